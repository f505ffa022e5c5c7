"""Every page, in every state a user meets, passes axe (WCAG 2.1 A and AA) on a desktop and on
a 390 × 844 phone, and never scrolls sideways or sticks out of its cards on either.

The pages come from the URLconf: `test_every_page_is_visited` fails when a URL that answers
GET with a page has no visit below. One browser, one seeded catalogue and one sign-in per
person and screen serve the whole module (the data is made once and flushed at the end).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from applicants.models import Shortlist
from applicants.shortlists import build_shortlist
from programs.models import Correction
from tests.conftest import MID_SEASON
from tests.e2e.browser import sign_in_with_cookie
from tests.factories import (
    make_catalogue,
    make_catalogue_csv,
    make_catalogue_editor,
    make_grant,
    make_profile,
    make_share_link,
    make_user,
)
from tests.test_access_control import ACCESS, url_names

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

# URLs that answer GET with something other than a page of their own: files, feeds, a health
# check, an htmx fragment (its result is visited as a state of /list/) and redirects to pages
# visited under their allauth names.
NOT_PAGES = {
    "healthz",
    "privacy_download",
    "programs:export",
    "programs:import_template",
    "applicants:export_xlsx",
    "applicants:export_csv",
    "applicants:list_search",
    "season:interview_ics",
    "season:feed",
    "season:rank_csv",
    "season:rank_xlsx",
    "password_change_done",
    "password_reset_done",
    "password_reset_complete",
}


@dataclass
class World:
    """farida has a built list mid-season with interviews, a scenario, a share link and
    victor as her advisor; omar has a profile but no list; nadia has no profile yet; stella
    edits the catalogue and has a correction from omar to review."""

    users: dict[str, object]
    farida_pk: int
    scenario_pk: int
    owner_pk: int  # farida's user
    entry_pk: int
    link_token: str
    program_pk: int


@dataclass(frozen=True)
class Visit:
    """How a person reaches one page in one state; `url_name` ties it to the URLconf."""

    url_name: str
    who: str  # "anonymous" or a username of the World
    path: str  # formatted with the World's fields: "/season/entries/{entry_pk}/"
    act: Callable[[Page, World], None] = field(default=lambda page, world: None)


SAVE_PROFILE = re.compile(r"^Save( profile)?$")


def _submit_profile_with(page: Page, label: str, value: str) -> None:
    page.get_by_label(label).fill(value)
    page.locator("form:has(input[name=step2_score])").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name=SAVE_PROFILE).click()


def _post_stale(page: Page) -> None:
    """Save the profile with a security token that no longer matches (as after signing in
    again in another tab): the site's own 403 page."""
    page.locator("input[name=csrfmiddlewaretoken]").evaluate_all(
        "inputs => inputs.forEach((input) => { input.value = 'x'.repeat(64); })"
    )
    page.get_by_role("button", name=SAVE_PROFILE).click()
    expect(page.get_by_role("heading", name=re.compile("out of date"))).to_be_visible()


def _save_to_a_deleted_scenario(page: Page, world: World) -> None:
    """Save the scenario form as if another tab had deleted the scenario: the gone page."""
    page.locator("form.profile-form").evaluate(
        "form => form.setAttribute('action', '/profile/scenarios/999999999/')"
    )
    page.get_by_role("button", name=SAVE_PROFILE).click()
    expect(page.get_by_role("heading", name="This scenario is gone")).to_be_visible()


def _exclude_the_first_program(page: Page, world: World) -> None:
    row = page.locator("table.list tbody tr").first
    row.get_by_role("button", name=re.compile("^Exclude")).click()
    expect(page.get_by_role("button", name=re.compile("^Undo")).first).to_be_visible()
    # Rows are dimmed while a write is in flight: judge the page once it has settled.
    expect(page.locator("[aria-busy=true], .htmx-request")).to_have_count(0)


def _search_for_a_program(page: Page, world: World) -> None:
    page.get_by_role("searchbox").fill("Test")
    page.get_by_role("searchbox").press("Enter")
    expect(page.locator(".search-results li").first).to_be_visible()


def _upload(page: Page, *, rows: list[list[str]]) -> None:
    page.get_by_label("Catalogue file").set_input_files(
        {"name": "programs.csv", "mimeType": "text/csv", "buffer": make_catalogue_csv(rows)}
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name=re.compile("^Preview of"))).to_be_visible()


_uploads = count(1)


def _import_rows() -> list[list[str]]:
    """A file with a new program (another each time) and a row with errors."""
    n = next(_uploads)
    return [
        ["program_id", "name", "state", "img_pct", "visa_j1"],
        [f"18099{n:05d}", f"Lakeside Neurology {n}", "Ohio", "35%", "Yes"],
        ["1809999999", "Harbor Neurology", "Narnia", "x", "Yes"],
    ]


def _import_preview(page: Page, world: World) -> None:
    _upload(page, rows=_import_rows())


def _import_column_to_map(page: Page, world: World) -> None:
    """A file whose name column has a header the importer does not know: the mapping step."""
    page.get_by_label("Catalogue file").set_input_files(
        {
            "name": "titled.csv",
            "mimeType": "text/csv",
            "buffer": make_catalogue_csv([["Program Title X", "state"], ["Bay Neurology", "TX"]]),
        }
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_label("Program Title X")).to_be_visible()


def _import_result(page: Page, world: World) -> None:
    _upload(page, rows=_import_rows()[:2])
    page.get_by_role("button", name=re.compile("^Import")).click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()


def _fill_sign_in(username: str) -> Callable[[Page, World], None]:
    def act(page: Page, world: World) -> None:
        page.get_by_label("Username").fill(username)
        page.get_by_label(re.compile(r"^Password:?$")).fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".errorlist, .form-errors").first).to_be_visible()

    return act


def _sign_up_with_a_short_password(page: Page, world: World) -> None:
    page.get_by_label("Username").fill("zainab")
    page.get_by_label(re.compile("^E-?mail")).fill("not-an-address")
    page.locator("input[type=password]").first.fill("short")
    page.get_by_role("button", name="Create account").last.click()
    expect(page.locator(".errorlist, .form-errors").first).to_be_visible()


def _ask_for_a_reset(page: Page, world: World) -> None:
    page.get_by_label(re.compile("^E-?mail")).fill("farida@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page).to_have_url(re.compile("/accounts/password/reset/done/$"))


VISITS: dict[str, Visit] = {
    # Signed out
    "sign-in": Visit("login", "anonymous", "/accounts/login/"),
    "sign-in, wrong password": Visit(
        "account_login", "anonymous", "/accounts/login/", _fill_sign_in("nobody")
    ),
    "sign-up": Visit("signup", "anonymous", "/accounts/signup/"),
    "sign-up, errors": Visit(
        "account_signup", "anonymous", "/accounts/signup/", _sign_up_with_a_short_password
    ),
    "password reset": Visit("password_reset", "anonymous", "/accounts/password/reset/"),
    "password reset, sent": Visit(
        "account_reset_password", "anonymous", "/accounts/password/reset/", _ask_for_a_reset
    ),
    "password reset done": Visit(
        "account_reset_password_done", "anonymous", "/accounts/password/reset/done/"
    ),
    "password reset, bad link": Visit(
        "account_reset_password_from_key",
        "anonymous",
        "/accounts/password/reset/key/1-no-such-key/",
    ),
    "password reset, old link": Visit(
        "password_reset_confirm", "anonymous", "/accounts/password/reset/MQ/set-password/"
    ),
    "password reset complete": Visit(
        "account_reset_password_from_key_done",
        "anonymous",
        "/accounts/password/reset/key/done/",
    ),
    "account inactive": Visit("account_inactive", "anonymous", "/accounts/inactive/"),
    "verification sent": Visit(
        "account_email_verification_sent", "anonymous", "/accounts/confirm-email/"
    ),
    "confirm e-mail, bad key": Visit(
        "account_confirm_email", "anonymous", "/accounts/confirm-email/no-such-key/"
    ),
    "shared list (link)": Visit("applicants:shared", "anonymous", "/s/{link_token}/"),
    "page not found": Visit("", "anonymous", "/no-such-page/"),
    "security token out of date": Visit(
        "applicants:profile", "farida", "/profile/", lambda page, world: _post_stale(page)
    ),
    # An applicant mid-season
    "home": Visit("home", "farida", "/"),
    "profile, saved": Visit(
        "applicants:profile",
        "farida",
        "/profile/",
        lambda page, world: page.get_by_role("button", name=SAVE_PROFILE).click(),
    ),
    "profile, errors": Visit(
        "applicants:profile",
        "farida",
        "/profile/",
        lambda page, world: _submit_profile_with(page, "USMLE Step 2 CK score", "320"),
    ),
    "scenarios": Visit("applicants:scenarios", "farida", "/profile/scenarios/"),
    "scenario": Visit("applicants:scenario", "farida", "/profile/scenarios/{scenario_pk}/"),
    "scenario, gone": Visit(
        "applicants:scenario",
        "farida",
        "/profile/scenarios/{scenario_pk}/",
        _save_to_a_deleted_scenario,
    ),
    "scenario, delete": Visit(
        "applicants:scenario_delete",
        "farida",
        "/profile/scenarios/{scenario_pk}/delete/",
    ),
    "list, built": Visit("applicants:list", "farida", "/list/"),
    "list, filtered": Visit("applicants:list", "farida", "/list/?band=safety&sort=state"),
    "list, nothing matches": Visit("applicants:list", "farida", "/list/?band=reach&status=matched"),
    "list, search results": Visit("applicants:list", "farida", "/list/", _search_for_a_program),
    "list, after exclude": Visit("applicants:list", "farida", "/list/", _exclude_the_first_program),
    "list of a scenario": Visit("applicants:list_of", "farida", "/list/{scenario_pk}/"),
    "programs": Visit("programs:index", "farida", "/programs/"),
    "programs, filtered": Visit(
        "programs:index", "farida", "/programs/?state=TX&visa=j1&sort=name"
    ),
    "program detail": Visit("programs:detail", "farida", "/programs/{program_pk}/"),
    "observerships": Visit("programs:observerships", "farida", "/programs/observerships/"),
    "my corrections": Visit("programs:my_corrections", "omar", "/programs/corrections/mine/"),
    "season": Visit("season:index", "farida", "/season/"),
    "entry page": Visit("season:entry", "farida", "/season/entries/{entry_pk}/"),
    "signals": Visit("season:signals", "farida", "/season/signals/"),
    "costs": Visit("season:costs", "farida", "/season/costs/"),
    "calendar, month": Visit(
        "season:calendar", "farida", "/season/calendar/?view=month&month=2026-11"
    ),
    "calendar, agenda": Visit("season:calendar", "farida", "/season/calendar/?view=agenda"),
    "rank": Visit("season:rank", "farida", "/season/rank/"),
    "rank, print": Visit("season:rank_print", "farida", "/season/rank/print/"),
    "sharing": Visit("applicants:sharing", "farida", "/sharing/"),
    "privacy": Visit("privacy", "farida", "/accounts/privacy/"),
    "delete account": Visit("account_delete", "farida", "/accounts/delete/"),
    "change password": Visit("password_change", "farida", "/accounts/password/change/"),
    "change password (allauth)": Visit(
        "account_change_password", "farida", "/accounts/password/change/"
    ),
    "set password": Visit("account_set_password", "farida", "/accounts/password/set/"),
    "e-mail addresses": Visit("account_email", "farida", "/accounts/email/"),
    "re-authenticate": Visit("account_reauthenticate", "farida", "/accounts/reauthenticate/"),
    # Other people's views
    "profile, new": Visit("applicants:profile", "nadia", "/profile/"),
    "list, no profile": Visit("applicants:list", "nadia", "/list/"),
    "list, empty": Visit("applicants:list", "omar", "/list/"),
    "advising dashboard": Visit("applicants:advisor", "victor", "/advising/"),
    "shared scenarios": Visit(
        "applicants:shared_scenarios",
        "victor",
        "/shared/{owner_pk}/scenarios/",
    ),
    "shared season": Visit(
        "applicants:shared_season",
        "victor",
        "/shared/{owner_pk}/season/",
    ),
    "shared calendar": Visit(
        "applicants:shared_calendar",
        "victor",
        "/shared/{owner_pk}/calendar/",
    ),
    "shared list (advisor)": Visit("applicants:list_of", "victor", "/list/{farida_pk}/"),
    # Staff
    "import": Visit("programs:import", "stella", "/programs/import/"),
    "import, preview": Visit("programs:import", "stella", "/programs/import/", _import_preview),
    "import, result": Visit("programs:import", "stella", "/programs/import/", _import_result),
    "import, column to map": Visit(
        "programs:import", "stella", "/programs/import/", _import_column_to_map
    ),
    "corrections queue": Visit("programs:corrections", "stella", "/programs/corrections/"),
    "calibration": Visit("applicants:calibration", "stella", "/calibration/"),
}


def _pages_in_the_urlconf() -> set[str]:
    names = set(url_names())
    return {name for name in names if "GET" in ACCESS[name].methods} - NOT_PAGES


def test_every_page_is_visited():
    visited = {visit.url_name for visit in VISITS.values()}
    assert not _pages_in_the_urlconf() - visited, "pages without an accessibility visit"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    """The people and data every visit uses, mid-season; flushed when the module ends."""
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        real_now, start = timezone.now, timezone.now()
        patch.setattr(timezone, "now", lambda: MID_SEASON + (real_now() - start))
        yield _seed()
        call_command("flush", interactive=False, verbosity=0)


def _seed() -> World:
    programs = make_catalogue(60)
    users = {name: make_user(name) for name in ("farida", "omar", "nadia", "victor")}
    users["stella"] = make_catalogue_editor("stella")
    farida = make_profile(users["farida"], list_size=40, time_zone="Asia/Kolkata")
    scenario = make_profile(
        users["farida"], name="After Step 3", based_on=farida, active=False, step3_score=235
    )
    shortlist = build_shortlist(profile=farida)
    build_shortlist(profile=scenario)
    entries = list(shortlist.entries.filter(rank__isnull=False).order_by("rank"))
    first = datetime(2026, 11, 9, 14, tzinfo=UTC)
    for i, entry in enumerate(entries[:12]):
        entry.applicant, entry.season = users["farida"], 2027
        entry.applied_on = date(2026, 9, 10)
        if i < 6:
            entry.invited_on = date(2026, 10, 1)
            entry.interview_at = first + timedelta(days=3 * i - 12)
            entry.interview_format = "in_person" if i % 2 else "virtual"
            entry.interviewed = entry.interview_at < MID_SEASON
        if entry.interviewed:
            entry.rank_position = i + 1
        entry.notes = "Ask about the stroke service." if i == 0 else ""
        entry.save()
    make_profile(users["omar"])
    make_grant(users["farida"], users["victor"], level="comment")
    _link, link_token = make_share_link(farida)
    Correction.objects.create(
        program=programs[0], user=users["omar"], field="visa_h1b", value="yes",
        evidence="The program's website lists H-1B sponsorship.",
    )  # fmt: skip
    assert Shortlist.objects.filter(profile=farida, built_at__isnull=False).exists()
    return World(
        users=users,
        farida_pk=farida.pk,
        scenario_pk=scenario.pk,
        owner_pk=users["farida"].pk,
        entry_pk=entries[0].pk,
        link_token=link_token,
        program_pk=programs[0].pk,
    )


@pytest.fixture(scope="module")
def contexts(browser: Browser, world: World, live_server):
    """One browser context per person and screen, signed in once."""
    opened: dict[tuple[str, str], BrowserContext] = {}

    def context_for(who: str, screen: str) -> BrowserContext:
        if (who, screen) not in opened:
            context = browser.new_context(viewport=SCREENS[screen], base_url=live_server.url)
            context.set_default_timeout(20_000)
            if who != "anonymous":
                page = context.new_page()
                sign_in_with_cookie(page, live_server.url, world.users[who])
                page.close()
            opened[who, screen] = context
        return opened[who, screen]

    yield context_for
    for context in opened.values():
        context.close()


@pytest.fixture
def transactional_db():
    """The module's `world` owns the database (pytest-django asks for this fixture for every
    test that uses `live_server`; its own version would flush the data after each test)."""


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}  {node['failureSummary'].splitlines()[-1]}")
    return "\n".join(lines)


AXE = Axe()
# Axe only asks for a review when an aria-describedby / aria-labelledby points nowhere.
DANGLING_REFERENCES_JS = """
() => [...document.querySelectorAll(
  "[aria-describedby], [aria-labelledby], [aria-controls], [aria-errormessage], label[for]"
)].flatMap((element) => ["aria-describedby", "aria-labelledby", "aria-controls",
  "aria-errormessage", "for"].flatMap((attribute) => (element.getAttribute(attribute) || "")
  .split(/\\s+/).filter((id) => id && !document.getElementById(id))
  .map((id) => `${element.tagName.toLowerCase()} ${attribute}="${id}"`)))
"""


# What sticks out past the right edge of its card, unless a box in the card scrolls or clips it.
STICKING_OUT_JS = """
() => {
  const clipped = (element, card) => {
    for (let node = element.parentElement; node && node !== card; node = node.parentElement) {
      if (getComputedStyle(node).overflowX !== "visible") return true;
    }
    return false;
  };
  return [...document.querySelectorAll(".card")].flatMap((card) => {
    const edge = card.getBoundingClientRect().right + 0.5;
    return [...card.querySelectorAll("*")]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 1 && box.right > edge && !clipped(element, card);
      })
      .map((element) => element.tagName.toLowerCase() + ` "${element.textContent.trim()}"`);
  });
}
"""


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("name", list(VISITS))
def test_every_page_passes_axe_and_fits_the_screen(contexts, world, screen, name):
    visit = VISITS[name]
    page = contexts(visit.who, screen).new_page()
    try:
        response = page.goto(visit.path.format(**vars(world)))
        assert response is not None and response.status < 500
        visit.act(page, world)
        page.wait_for_load_state("networkidle")
        results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}).response
        width = page.evaluate("document.documentElement.scrollWidth")
        dangling = page.evaluate(DANGLING_REFERENCES_JS)
        print(f"{screen} {name}: {len(results['violations'])} violations, {width} px wide")
        assert not results["violations"], f"{name} ({screen}):\n{_describe(results['violations'])}"
        assert not dangling, f"{name} ({screen}) refers to ids that do not exist: {dangling}"
        assert width <= SCREENS[screen]["width"], f"{name} is {width} px wide on a {screen}"
        sticking_out = page.evaluate(STICKING_OUT_JS)
        assert not sticking_out, f"{name} sticks out of its card on a {screen}: {sticking_out}"
    finally:
        page.close()


# Axe does not judge focus rings or form borders (WCAG 1.4.11): measured here, on the pages
# with the most controls, against whatever is behind them.
CONTRAST_JS = """
(selector) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const behind = (element) => {
    for (let node = element.parentElement; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const name = (element) => element.tagName.toLowerCase()
    + (element.id ? "#" + element.id : "") + (element.name ? "[name=" + element.name + "]" : "")
    + " " + (element.textContent || "").trim().slice(0, 30);
  if (selector === ":focus") {
    const element = document.activeElement;
    // Focus left the page for the browser's own UI, or sits in a date input's picker button
    // (the browser's shadow DOM, with its own ring).
    if (element === document.body || !element.matches(":focus")) return [];
    const style = getComputedStyle(element);
    const width = parseFloat(style.outlineWidth);
    const contrast = style.outlineStyle === "none"
      ? 0 : ratio(rgb(style.outlineColor), behind(element));
    return width >= 2 && contrast >= 3
      ? [] : [`focus ring of ${name(element)}: ${width}px, ${contrast.toFixed(2)}:1`];
  }
  const shown = [...document.querySelectorAll(selector)].filter((e) => e.offsetParent);
  return shown.flatMap((element) => {
    const contrast = ratio(rgb(getComputedStyle(element).borderTopColor), behind(element));
    return contrast >= 3 ? [] : [`border of ${name(element)}: ${contrast.toFixed(2)}:1`];
  });
}
"""
FIELDS = (
    "input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=submit]), "
    "select, textarea"
)


@pytest.mark.parametrize(
    "name", ["sign-in", "profile, new", "list, built", "programs", "entry page", "import"]
)
def test_focus_rings_and_form_borders_stand_out_3_to_1(contexts, world, name):
    visit = VISITS[name]
    page = contexts(visit.who, "desktop").new_page()
    try:
        page.goto(visit.path.format(**vars(world)))
        failures = page.evaluate(CONTRAST_JS, FIELDS)
        for _ in range(40):  # the first 40 Tab stops: links, buttons and fields
            page.keyboard.press("Tab")
            failures += page.evaluate(CONTRAST_JS, ":focus")
        assert not failures, "\n".join(dict.fromkeys(failures))
    finally:
        page.close()


STICKY_JS = """
(table) => {
  const header = table.querySelector("thead th:nth-child(2)").getBoundingClientRect();
  const focused = document.activeElement.getBoundingClientRect();
  const seen = document.elementFromPoint(header.left + 5, header.top + header.height / 2);
  return {
    headerOnTop: Boolean(seen && seen.closest("thead")),
    headerInView: header.top >= 0 && header.bottom <= window.innerHeight,
    focusedBelowHeader: focused.top >= header.bottom - 1,
  };
}
"""


@pytest.mark.parametrize(
    "name, screen, table",
    [
        ("list, built", "desktop", "table.list"),
        ("programs", "desktop", "table.catalogue"),
        ("programs", "phone", "table.catalogue"),
    ],
)
def test_long_tables_keep_their_headers_in_view_and_off_the_focused_row(
    contexts, world, name, screen, table
):
    visit = VISITS[name]
    page = contexts(visit.who, screen).new_page()
    try:
        page.goto(visit.path.format(**vars(world)))
        visit.act(page, world)
        rows = page.locator(f"{table} tbody tr")
        assert rows.count() >= 2
        # On a phone the table scrolls in its own box: the user first scrolls the page to it.
        page.locator(table).first.locator("xpath=..").evaluate(
            "wrap => wrap.scrollIntoView({block: 'start'})"
        )
        # Keyboard users reach a row far down, then come back up one stop at a time.
        rows.last.locator("a, button, select").first.focus()
        page.keyboard.press("Shift+Tab")
        state = page.locator(table).first.evaluate(STICKY_JS)
        assert state == {"headerOnTop": True, "headerInView": True, "focusedBelowHeader": True}
    finally:
        page.close()


# Where the focused control is: a tab stop that is not on the screen is one a keyboard user
# presses Tab on and sees nothing.
FOCUSED_SEEN_JS = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const box = element.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {what: element.tagName + " " + element.textContent.trim().slice(0, 30),
          seen: Boolean(hit && (hit === element || element.contains(hit)))};
}
"""


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_tab_stop_of_the_advising_dashboard_is_on_the_screen(contexts, world, screen):
    page = contexts("victor", screen).new_page()
    try:
        page.goto("/advising/")
        unseen, stops = [], 0
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED_SEEN_JS)
            if focused is None:
                break  # past the last stop
            stops += 1
            if not focused["seen"]:
                unseen.append(focused["what"])
        assert stops > 5
        assert unseen == [], f"tab stops off the screen on a {screen}: {unseen}"
    finally:
        page.close()
