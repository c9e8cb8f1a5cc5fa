//! Hydration in more than one task. Hydrating a page is one synchronous walk
//! of the server's HTML: on a list, the rows, their cells and their edit
//! buttons make a task of 300 ms on a slow phone, in which it can neither
//! paint nor answer a tap (Lighthouse's Total Blocking Time). A part of the
//! page given to [`hydrate_later`] is stepped over by that walk and hydrated
//! in a task of its own, started by the browser's next turn; until then it
//! is the server's HTML, drawn and readable.
//!
//! The invariants:
//! - the part is one element (its HTML is one node the walk can step over);
//! - it is made with the page, in its place; only its hydration waits. A
//!   Resource, a Suspense or a Transition takes the next hydration id when
//!   it is made, and finds the server's data and HTML by it: made later,
//!   it and every one after it would find another's (tried: the page
//!   failed to hydrate);
//! - [`hydrated`] waits until every deferred part is hydrated: the shell's
//!   `data-ready`, which the browser tests wait for, waits for it.
//!
//! In a page drawn by the browser (a later navigation), the part is built at
//! once, like any view.

use leptos::prelude::*;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::renderer::types::{Element, Node};
use leptos::tachys::renderer::{CastFrom, Rndr};
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};
use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Poll, Waker};

thread_local! {
    /// Deferred parts not hydrated yet.
    static PENDING: Cell<usize> = const { Cell::new(0) };
    /// Who waits for them all ([`hydrated`]).
    static WAITING: RefCell<Vec<Waker>> = const { RefCell::new(Vec::new()) };
}

/// `view` (one element, made now with the rest of the page) is hydrated in a
/// task after the rest of the page.
pub fn hydrate_later<V>(view: V) -> HydrateLater<V> {
    HydrateLater(view)
}

/// Ready once no part of the page waits for its hydration.
pub async fn hydrated() {
    poll_fn(|cx| {
        if PENDING.get() == 0 {
            Poll::Ready(())
        } else {
            WAITING.with_borrow_mut(|w| w.push(cx.waker().clone()));
            Poll::Pending
        }
    })
    .await
}

fn done() {
    PENDING.set(PENDING.get() - 1);
    if PENDING.get() == 0 {
        for waker in WAITING.take() {
            waker.wake();
        }
    }
}

/// See [`hydrate_later`].
pub struct HydrateLater<V>(V);

/// The element, and its view's state once it is hydrated (or rebuilt).
pub struct HydrateLaterState<S> {
    el: Element,
    state: Rc<RefCell<Option<S>>>,
}

fn first_element(state: &impl Mountable) -> Element {
    state
        .elements()
        .into_iter()
        .next()
        .expect("hydrate_later holds one element")
}

impl<V> Render for HydrateLater<V>
where
    V: Render + 'static,
    V::State: 'static,
{
    type State = HydrateLaterState<V::State>;

    fn build(self) -> Self::State {
        let state = self.0.build();
        HydrateLaterState {
            el: first_element(&state),
            state: Rc::new(RefCell::new(Some(state))),
        }
    }

    fn rebuild(self, this: &mut Self::State) {
        let mut slot = this.state.borrow_mut();
        if let Some(state) = slot.as_mut() {
            self.0.rebuild(state);
            return;
        }
        // New content before the server's was hydrated: it replaces it (the
        // pending hydration then finds the slot taken, and does nothing).
        let mut state = self.0.build();
        if let Some(parent) = Rndr::get_parent(&this.el).and_then(Element::cast_from) {
            state.mount(&parent, Some(&this.el));
        }
        Rndr::remove(&this.el);
        this.el = first_element(&state);
        *slot = Some(state);
    }
}

impl<V> AddAnyAttr for HydrateLater<V>
where
    V: RenderHtml + 'static,
    V::State: 'static,
{
    // An attribute added from outside: the part is hydrated in place.
    type Output<SomeNewAttr: leptos::attr::Attribute> = V::Output<SomeNewAttr>;

    fn add_any_attr<NewAttr: leptos::attr::Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        self.0.add_any_attr(attr)
    }
}

impl<V> RenderHtml for HydrateLater<V>
where
    V: RenderHtml + 'static,
    V::State: 'static,
{
    type AsyncOutput = V::AsyncOutput;
    type Owned = Self;
    const MIN_LENGTH: usize = V::MIN_LENGTH;

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
        extra_attrs: Vec<leptos::attr::any_attribute::AnyAttribute>,
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
        extra_attrs: Vec<leptos::attr::any_attribute::AnyAttribute>,
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
        if !FROM_SERVER {
            let state = self.0.hydrate::<FROM_SERVER>(cursor, position);
            return HydrateLaterState {
                el: first_element(&state),
                state: Rc::new(RefCell::new(Some(state))),
            };
        }
        // Step over the element, as an element's own hydration would.
        match position.get() {
            Position::FirstChild => cursor.child(),
            Position::Current => {}
            _ => cursor.sibling(),
        }
        let el = Element::cast_from(cursor.current())
            .expect("hydrate_later: the server drew an element here");
        cursor.set(AsRef::<Node>::as_ref(&el).clone());
        position.set(Position::NextChild);

        let slot = Rc::new(RefCell::new(None));
        let gone = Arc::new(AtomicBool::new(false));
        on_cleanup({
            let gone = Arc::clone(&gone);
            move || gone.store(true, Ordering::Relaxed)
        });
        let owner = Owner::current().expect("hydrated under an owner");
        PENDING.set(PENDING.get() + 1);
        let view = self.0;
        let later = Rc::downgrade(&slot);
        let target = el.clone();
        leptos::task::spawn_local(async move {
            // A task of its own: a future spawned now would otherwise run in
            // this one's microtasks once start-up's executor is plain
            // wasm-bindgen-futures again (`frontend::startup`), as it is
            // when a page's piece arrived late.
            gloo_timers::future::TimeoutFuture::new(0).await;
            if let Some(slot) = later.upgrade()
                && !gone.load(Ordering::Relaxed)
                && slot.borrow().is_none()
            {
                let state =
                    owner.with(|| view.hydrate_from_position::<true>(&target, Position::Current));
                *slot.borrow_mut() = Some(state);
            }
            done();
        });
        HydrateLaterState { el, state: slot }
    }

    fn into_owned(self) -> Self::Owned {
        self
    }
}

impl<S: Mountable> Mountable for HydrateLaterState<S> {
    fn unmount(&mut self) {
        match self.state.borrow_mut().as_mut() {
            Some(state) => state.unmount(),
            None => Rndr::remove(&self.el),
        }
    }

    fn mount(&mut self, parent: &Element, marker: Option<&Node>) {
        match self.state.borrow_mut().as_mut() {
            Some(state) => state.mount(parent, marker),
            None => Rndr::insert_node(parent, &self.el, marker),
        }
    }

    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        if let Some(state) = self.state.borrow().as_ref() {
            return state.insert_before_this(child);
        }
        match Rndr::get_parent(&self.el).and_then(Element::cast_from) {
            Some(parent) => {
                child.mount(&parent, Some(&self.el));
                true
            }
            None => false,
        }
    }

    fn elements(&self) -> Vec<Element> {
        match self.state.borrow().as_ref() {
            Some(state) => state.elements(),
            None => vec![self.el.clone()],
        }
    }
}
