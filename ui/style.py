"""Page-wide styles shared by both pages: a visible focus ring on everything that takes the
keyboard, the pending-change mark, and tab labels readable on the blue app bar (WCAG AA)."""

PAGE_CSS = """
button:focus-visible, input:focus-visible, [tabindex]:focus-visible, a:focus-visible,
summary:focus-visible, .v-tab:focus-visible {
  outline: 3px solid #ffbf47 !important; outline-offset: 2px;
  box-shadow: 0 0 0 5px #0b0c0c !important;
}
.pending-mark { color: #8a4b00; font-size: 12px; font-weight: 600; }
.v-app-bar .v-tab:not(.v-tab--active), .v-tabs-bar .v-tab:not(.v-tab--active) {
  color: #ffffff !important; opacity: 0.92;
}
.v-app-bar.primary, .v-app-bar .v-tabs-bar, header .v-tabs-bar {
  background-color: #0d47a1 !important;
}
"""
