//! `.erase()`: a view's type erased into an [`AnyView`], as tachys'
//! `.into_any()` does, without its asynchronous hydration.
//!
//! An `AnyView` keeps a pointer to each function of the type it erased,
//! `hydrate_async` among them. That pointer makes the compiler build the
//! type's asynchronous hydration, and with it the asynchronous hydration of
//! every view inside it (elements and tuples hydrate their children the
//! same way), whether it is ever called or not. Nothing in a page calls it:
//! the router awaits the page's piece, then hydrates the page synchronously
//! (`hydrate::<true>`); only the app's root, down to `<Routes>`, is hydrated
//! asynchronously. Yet that dead code was a quarter of all the wasm
//! (1.85 MB of 7.70 MB of code, 12% of the main module and of the Desk's
//! piece 28%, measured on the split release build).
//!
//! A view erased with `.erase()` is wrapped in [`SyncHydrate`], which hands
//! every call to the view and keeps tachys' default `hydrate_async`: hydrate
//! synchronously when asked. Everything the wasm keeps of it is that.
//!
//! The invariant: a view that contains the `<Routes>` (the app's root,
//! `lib.rs`) keeps `.into_any()`. Erased this way it would hydrate the
//! routes synchronously, before a page's piece is there, and the router
//! panics ("lazy routes not supported with hydrate_body()").

use leptos::attr::Attribute;
use leptos::attr::any_attribute::AnyAttribute;
use leptos::prelude::*;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Position, PositionState, Render, RenderHtml};

/// `.erase()` on every view; see the module's documentation.
pub trait Erase: RenderHtml + Send + Sized {
    /// This view as an `AnyView`, hydrated synchronously.
    fn erase(self) -> AnyView {
        SyncHydrate(self).into_any()
    }
}

impl<V: RenderHtml + Send> Erase for V {}

/// A view whose asynchronous hydration is its synchronous one (tachys'
/// default), so that its own is never built.
pub struct SyncHydrate<V>(V);

impl<V: Render> Render for SyncHydrate<V> {
    type State = V::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state);
    }
}

impl<V: RenderHtml> AddAnyAttr for SyncHydrate<V> {
    type Output<SomeNewAttr: Attribute> = V::Output<SomeNewAttr>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        self.0.add_any_attr(attr)
    }
}

impl<V: RenderHtml> RenderHtml for SyncHydrate<V> {
    type AsyncOutput = V::AsyncOutput;
    type Owned = SyncHydrate<V::Owned>;
    const MIN_LENGTH: usize = V::MIN_LENGTH;
    const EXISTS: bool = V::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve();
    }

    async fn resolve(self) -> Self::AsyncOutput {
        self.0.resolve().await
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs);
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut leptos::tachys::ssr::StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        );
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    // `hydrate_async` is tachys' default: `self.hydrate::<true>(…)`.

    fn into_owned(self) -> Self::Owned {
        SyncHydrate(self.0.into_owned())
    }
}

/// A component's children, erased like [`Erase::erase`]. `Children` erases
/// them with `.into_any()`; a component that takes `TypedChildren<C>` and
/// hands `erased(children)` to a body that is not generic erases them
/// without their asynchronous hydration (`FormSection`, `RecordForm`).
pub fn erased<C: IntoView + 'static>(children: TypedChildren<C>) -> Children {
    let children = children.into_inner();
    Box::new(move || children().erase())
}
