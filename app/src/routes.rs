//! Which wasm piece each page is in.
//!
//! A release build is split (`cargo leptos build --split`): the main wasm
//! holds the runtime, the shell (menu, bell, connection bar, outbox), the
//! router and the Desk; each *piece* below is a wasm file of its own that
//! the browser fetches when one of its pages is first opened, and the
//! service worker keeps for offline use. A first visit to `/login` then
//! the Desk downloads the main wasm alone (the login page, plain HTML like
//! every page before login, none), not the lists, the calendar, the
//! boards, the forms or the reports.
//!
//! The Desk is in the main wasm, not a piece: it is the page after login
//! and where the installed app opens, so every visit past login draws it
//! sooner or later. As a piece it needed 15 small files shared with the
//! others (one per set of pieces that share code) and compressed apart:
//! in the main wasm its first visit is one file of 367 KB instead of 17
//! files of 404 KB, and the other pages fetch 9 wasm files instead of 17,
//! for about 25 KB more each (docs/performance-log.md, 2026-12-07, late).
//!
//! A piece is one `#[lazy]` function: the splitter moves into its file
//! every function reachable only from it; what two pieces share goes into a
//! shared file, loaded with either. Each subset of pieces that shares code
//! is one more file to fetch, so pieces are few and follow what a first
//! visit opens: the lists apart from the record pages and forms (a list's
//! first visit is 400 KB lighter; opening a record from it then fetches
//! the records piece, once), the seldom-opened admin pages and bulk tools
//! apart from both. On the server a piece is a plain
//! async function; without `--split` (debug builds) the pieces stay in the
//! one wasm and load at once.

use crate::*;
use leptos::prelude::*;
use leptos_router::ChooseView;

/// `piece!(function / __preload_function, Variant, Enum { Route => page component, … })`
/// makes the lazy function that draws the pages of one piece, its enum of
/// pages, and one constant per page (`view=routes::Route`), a [`Page`].
/// `#[lazy]` also makes `__preload_<function>` in the browser, which only
/// fetches the piece: the router awaits it before hydrating a page the
/// server drew, whose view must then be ready at once (a page still
/// loading would hydrate as an empty slot and not match the HTML).
macro_rules! piece {
    ($(#[$doc:meta])* $piece:ident / $preload:ident, $variant:ident, $pages:ident { $($route:ident => $page:path),+ $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $pages { $($route),+ }

        $(#[$doc])*
        #[lazy]
        fn $piece(page: $pages) -> AnyView {
            match page {
                $($pages::$route => crate::page($page),)+
            }
        }

        impl $pages {
            async fn view(self) -> AnyView {
                #[cfg(feature = "ssr")]
                prefetch(stringify!($piece));
                $piece(self).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }

        $(
            #[allow(non_upper_case_globals)]
            pub const $route: Page = Page::$variant($pages::$route);
        )+
    };
}

/// What a route draws: the Desk, or a page of a piece. Every route has
/// this one view type, so the router's choosers (one per group of routes,
/// generic over the routes' view types) are compiled for it once. With a
/// type per page (`Lazy<Route>`, as the router's docs do it), every route
/// brought its own copy of the code that loads a piece and hydrates a page
/// into the main wasm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// In the main wasm: nothing to load.
    Desk,
    List(ListPages),
    Record(RecordPages),
    Agenda(AgendaPages),
    Admin(AdminPages),
}

impl ChooseView for Page {
    async fn choose(self) -> AnyView {
        match self {
            Page::Desk => crate::page(desk::DeskPage),
            Page::List(page) => page.view().await,
            Page::Record(page) => page.view().await,
            Page::Agenda(page) => page.view().await,
            Page::Admin(page) => page.view().await,
        }
    }

    async fn preload(&self) {
        match self {
            Page::Desk => {}
            Page::List(_) => ListPages::preload().await,
            Page::Record(_) => RecordPages::preload().await,
            Page::Agenda(_) => AgendaPages::preload().await,
            Page::Admin(_) => AdminPages::preload().await,
        }
    }
}

/// The home page: in the main wasm (above), so the service worker's
/// install, which takes the main wasm, takes it, and the pieces only once
/// the app has started (`server::pwa`).
#[allow(non_upper_case_globals)]
pub const Desk: Page = Page::Desk;

piece!(
    /// The lists of records (they share the list kit) and search: what a
    /// list's first visit downloads.
    lists_piece / __preload_lists_piece, List, ListPages {
        Search => pages::search::SearchPage,
        CompanyList => companies::pages::CompanyList,
        PersonList => persons::pages::PersonList,
        DealList => deals::pages::DealList,
        InteractionList => interactions::pages::InteractionList,
        TaskHistory => interactions::pages::TaskHistory,
        DocumentList => documents::pages::DocumentList,
        EnrolmentList => programmes::enrolments::pages::EnrolmentList,
    }
);

piece!(
    /// The records: every record page and form (they share the form and
    /// record-page kit). The forms as a piece of their own made a record
    /// page's first visit 91 KB lighter, but the Desk's 6 KB heavier and
    /// 13 files longer (one shared file per set of pieces): its Time to
    /// Interactive was later by about 0.3 s (docs/performance-log.md,
    /// 2026-12-06).
    records_piece / __preload_records_piece, Record, RecordPages {
        CompanyNew => companies::pages::CompanyNew,
        CompanyPage => companies::pages::CompanyPage,
        CompanyEdit => companies::pages::CompanyEdit,
        PersonNew => persons::pages::PersonNew,
        PersonPage => persons::pages::PersonPage,
        PersonEdit => persons::pages::PersonEdit,
        DealNew => deals::pages::DealNew,
        DealPage => deals::pages::DealPage,
        DealEdit => deals::pages::DealEdit,
        InteractionNew => interactions::pages::InteractionNew,
        InteractionPage => interactions::pages::InteractionPage,
        InteractionEdit => interactions::pages::InteractionEdit,
        DocumentNew => documents::pages::DocumentNew,
        DocumentPage => documents::pages::DocumentPage,
        DocumentEdit => documents::pages::DocumentEdit,
        EnrolmentNew => programmes::enrolments::pages::EnrolmentNew,
        EnrolmentPage => programmes::enrolments::pages::EnrolmentPage,
        EnrolmentEdit => programmes::enrolments::pages::EnrolmentEdit,
    }
);

piece!(
    /// Time and boards: the calendar, the Planning, both Kanban boards.
    agenda_piece / __preload_agenda_piece, Agenda, AgendaPages {
        Calendar => calendar::CalendarPage,
        Planning => planning::PlanningPage,
        TasksBoard => kanban::tasks::TasksBoardPage,
        DealsBoard => kanban::deals::DealsBoardPage,
    }
);

piece!(
    /// Reports and settings (profile, users, audit log, pipelines,
    /// programmes, the outbox), and the tools that act on records in bulk
    /// (trash, merge, duplicates, data quality, import): opened seldom and
    /// mostly by the same people, and kept out of the lists piece, which
    /// every list's first visit downloads (216 KB brotli less).
    /// What they share with the lists goes into a shared file.
    ///
    /// And the pages before login: plain HTML forms that load no wasm
    /// (`auth::plain_forms`); their routes are here for a page the browser
    /// would draw. They were a piece of their own: one more piece makes
    /// one more set of shared files for every other page (the Desk fetched
    /// 23 wasm files instead of 17, a list and a record page 27–28), and
    /// each file is a request on a phone's slow network.
    admin_piece / __preload_admin_piece, Admin, AdminPages {
        Login => auth::pages::LoginPage,
        ForgotPassword => auth::pages::ForgotPasswordPage,
        ResetPassword => auth::pages::ResetPasswordPage,
        Invitation => users::pages::InvitationPage,
        Reports => reports::pages::ReportsIndex,
        Report => reports::pages::ReportPage,
        Profile => settings::ProfilePage,
        Users => users::pages::UsersPage,
        Audit => audit::pages::AuditPage,
        Pipelines => deals::pipelines::PipelinesPage,
        ProgrammesSettings => programmes::pages::ProgrammesSettingsPage,
        Outbox => pwa::OutboxPage,
        Trash => records::trash::TrashPage,
        Merge => records::merge::MergePage,
        Duplicates => records::duplicates::DuplicatesPage,
        Quality => records::quality::QualityPage,
        Imports => import::page::ImportsPage,
        Import => import::page::ImportPage,
    }
);

/// Names the files of a page's piece in the `<head>`
/// (`<meta name="relais-pieces">`), for the boot script to fetch them
/// beside the main wasm once the page has loaded
/// (`ssr::assets::boot_script`). Without them the piece would be fetched
/// only once the main wasm has run, one round trip later.
#[cfg(feature = "ssr")]
fn prefetch(piece: &str) {
    use leptos::tachys::view::RenderHtml;
    use leptos_meta::Meta;
    let Some(options) = use_context::<leptos::config::LeptosOptions>() else {
        return;
    };
    // A page sent without the app (the login page…) fetches no piece.
    let plain = use_context::<http::request::Parts>()
        .is_some_and(|p| crate::auth::plain_forms::without_app(p.uri.path()));
    if plain {
        return;
    }
    let files = crate::ssr::assets::piece_files(&options, piece);
    if !files.is_empty() {
        // `to_html` of a `leptos_meta` tag registers it for the `<head>`.
        let _ = view! { <Meta name=crate::ssr::assets::PIECES_META content=files.join(" ") /> }
            .to_html();
    }
}
