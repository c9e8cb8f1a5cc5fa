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
//!   a part that drew no element (an empty `Option`, say) is hydrated in
//!   place, at once;
//! - it is made with the page, in its place; only its hydration waits. A
//!   Resource, a Suspense or a Transition takes the next hydration id when
//!   it is made, and finds the server's data and HTML by it: made later,
//!   it and every one after it would find another's (tried: the page
//!   failed to hydrate);
//! - until it is hydrated, a part must render what the server drew: data
//!   that comes later must wait for [`hydrated`] before it changes what the
//!   part shows (`load_in_browser` does; tried without: a record's card
//!   whose deals arrived first drew a list where the server had drawn the
//!   loading line, and the page failed to hydrate);
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
    let mut waited = false;
    poll_fn(|cx| {
        if PENDING.get() == 0 {
            Poll::Ready(())
        } else {
            waited = true;
            WAITING.with_borrow_mut(|w| w.push(cx.waker().clone()));
            Poll::Pending
        }
    })
    .await;
    if waited {
        // Every waiter is woken at once: each goes on in a task of its own,
        // or the answers held back (a record's cards) would all be drawn in
        // one long task.
        next_task().await;
    }
}

/// Ready in a task of its own (after a `setTimeout(0)`): the one way this
/// module yields to the browser. Unlike
/// `gloo_timers`' future it holds no JavaScript value (the callback is
/// handed to the browser), so it is `Send`, as an `Action`'s future must be.
fn next_task() -> impl std::future::Future<Output = ()> + Send {
    let mut asked = false;
    poll_fn(move |cx| {
        if asked {
            return Poll::Ready(());
        }
        asked = true;
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let waker = cx.waker().clone();
            let wake = wasm_bindgen::closure::Closure::once_into_js(move || waker.wake());
            let set = web_sys::window()
                .and_then(|w| w.set_timeout_with_callback(wake.unchecked_ref()).ok());
            if set.is_some() {
                return Poll::Pending;
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = cx;
        Poll::Ready(())
    })
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

/// The view's state once it is hydrated (or built), and until then the
/// server's element it will hydrate.
pub struct HydrateLaterState<S> {
    el: Option<Element>,
    state: Rc<RefCell<Option<S>>>,
}

impl<S> HydrateLaterState<S> {
    fn now(state: S) -> Self {
        HydrateLaterState {
            el: None,
            state: Rc::new(RefCell::new(Some(state))),
        }
    }

    /// The server's element, while its hydration waits.
    fn waiting(&self) -> &Element {
        self.el
            .as_ref()
            .expect("a part not hydrated yet has the server's element")
    }
}

impl<V> Render for HydrateLater<V>
where
    V: Render + 'static,
    V::State: 'static,
{
    type State = HydrateLaterState<V::State>;

    fn build(self) -> Self::State {
        HydrateLaterState::now(self.0.build())
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
        let el = this
            .el
            .take()
            .expect("a part not hydrated yet has the server's element");
        if let Some(parent) = Rndr::get_parent(&el).and_then(Element::cast_from) {
            state.mount(&parent, Some(&el));
        }
        Rndr::remove(&el);
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
            return HydrateLaterState::now(self.0.hydrate::<FROM_SERVER>(cursor, position));
        }
        // Step over the element, as an element's own hydration would.
        let (before, at) = (cursor.current(), position.get());
        match at {
            Position::FirstChild => cursor.child(),
            Position::Current => {}
            _ => cursor.sibling(),
        }
        let Some(el) = Element::cast_from(cursor.current()) else {
            // No element (an empty part's marker): hydrated here, now.
            cursor.set(before);
            position.set(at);
            return HydrateLaterState::now(self.0.hydrate::<FROM_SERVER>(cursor, position));
        };
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
            next_task().await;
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
        HydrateLaterState {
            el: Some(el),
            state: slot,
        }
    }

    fn into_owned(self) -> Self::Owned {
        self
    }
}

impl<S: Mountable> Mountable for HydrateLaterState<S> {
    fn unmount(&mut self) {
        match self.state.borrow_mut().as_mut() {
            Some(state) => state.unmount(),
            None => Rndr::remove(self.waiting()),
        }
    }

    fn mount(&mut self, parent: &Element, marker: Option<&Node>) {
        match self.state.borrow_mut().as_mut() {
            Some(state) => state.mount(parent, marker),
            None => Rndr::insert_node(parent, self.waiting(), marker),
        }
    }

    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        if let Some(state) = self.state.borrow().as_ref() {
            return state.insert_before_this(child);
        }
        let el = self.waiting();
        match Rndr::get_parent(el).and_then(Element::cast_from) {
            Some(parent) => {
                child.mount(&parent, Some(el));
                true
            }
            None => false,
        }
    }

    fn elements(&self) -> Vec<Element> {
        match self.state.borrow().as_ref() {
            Some(state) => state.elements(),
            None => vec![self.waiting().clone()],
        }
    }
}
