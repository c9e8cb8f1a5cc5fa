//! Line icons drawn for Relais (24×24, stroked with the current colour).

use crate::ui::erase::Erase;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Desk,
    Company,
    Person,
    Deal,
    Interaction,
    Calendar,
    Planning,
    Kanban,
    Report,
    Document,
    Programme,
    Search,
    Plus,
    Bell,
    Menu,
    Close,
    User,
    Star,
    Phone,
    Mail,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Desk => "M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10",
            Icon::Company => "M4 21V5l8-2v18M12 8h8v13M7 8h2M7 12h2M7 16h2M15 12h2M15 16h2M2 21h20",
            Icon::Person => "M12 12a4 4 0 100-8 4 4 0 000 8zM4 21c0-4 4-6 8-6s8 2 8 6",
            Icon::Deal => "M3 12l4-4 5 2 5-4 4 4M3 17h18",
            Icon::Interaction => "M4 5h16v11H8l-4 4zM8 9h8M8 12h5",
            Icon::Calendar => "M4 6h16v15H4zM4 10h16M8 3v5M16 3v5",
            Icon::Planning => "M3 5h18M3 12h18M3 19h18M8 3v18M15 8h4M10 15h4",
            Icon::Kanban => "M4 4h4v16H4zM10 4h4v10h-4zM16 4h4v7h-4z",
            Icon::Report => "M4 20V10M10 20V4M16 20v-7M22 20H2",
            Icon::Document => "M6 3h8l5 5v13H6zM14 3v5h5M9 13h7M9 17h7",
            Icon::Programme => "M3 8l9-5 9 5-9 5zM7 10v5c0 2 3 3 5 3s5-1 5-3v-5",
            Icon::Search => "M10.5 17a6.5 6.5 0 100-13 6.5 6.5 0 000 13zM15.5 15.5L21 21",
            Icon::Plus => "M12 5v14M5 12h14",
            Icon::Bell => "M6 16V11a6 6 0 0112 0v5l2 2H4zM10 20a2 2 0 004 0",
            Icon::Menu => "M4 6h16M4 12h16M4 18h16",
            Icon::Close => "M6 6l12 12M18 6L6 18",
            Icon::User => "M12 12a4 4 0 100-8 4 4 0 000 8zM5 21c1-4 4-5 7-5s6 1 7 5",
            Icon::Star => "M12 3l2.8 5.8 6.2.9-4.5 4.4 1 6.3L12 17.5 6.5 20.4l1-6.3L3 9.7l6.2-.9z",
            Icon::Phone => {
                "M5 4h4l2 5-2.5 1.5a11 11 0 005 5L15 13l5 2v4a2 2 0 01-2 2A16 16 0 013 6a2 2 0 012-2z"
            }
            Icon::Mail => "M3 6h18v12H3zM3 7l9 6 9-6",
        }
    }
}

#[component]
pub fn Svg(icon: Icon) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="20"
            height="20"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            <path d=icon.path()></path>
        </svg>
    }
    .erase()
}
