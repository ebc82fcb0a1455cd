"""axe-core accessibility assertion for Playwright pages.

    from tests.browser.axe import assert_no_axe_violations

    def test_home(page, live_server):
        page.goto(live_server.url + "/")
        assert_no_axe_violations(page)

Runs the vendored axe-core (tests/browser/vendor/axe.min.js, from the npm
package via frontend/build.sh) with the WCAG 2.0/2.1/2.2 A and AA rules.
"""

from __future__ import annotations

from pathlib import Path

AXE_PATH = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN_AXE = """
async ({tags, disabled}) => {
  const rules = {};
  for (const id of disabled) rules[id] = {enabled: false};
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
    // Without timers (JavaScript disabled) axe's stylesheet preload would time
    // out at once; skip it (only css-orientation-lock uses it).
    preload: !window.__axeNoTimers,
    rules,
  });
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}
"""


# With JavaScript disabled (the ``page_no_js`` fixture) Playwright can still
# evaluate code, but the page's timers never fire, and axe.run() waits on
# them for ever. Replace them with microtask-based versions in that case.
_CHECK_TIMERS = "() => { window.__axeTimerFired = false; setTimeout(() => { window.__axeTimerFired = true }, 0) }"
_SHIM_TIMERS = """() => {
  const soon = (fn, ...args) => { Promise.resolve().then(() => fn(...args)); return 0; };
  window.setTimeout = soon;
  window.clearTimeout = () => {};
  window.requestAnimationFrame = (fn) => soon(fn, performance.now());
  window.cancelAnimationFrame = () => {};
  window.requestIdleCallback = (fn) => soon(fn, {didTimeout: false, timeRemaining: () => 50});
}"""


def _ensure_timers(page) -> None:
    page.evaluate(_CHECK_TIMERS)
    page.wait_for_timeout(50)
    if not page.evaluate("() => window.__axeTimerFired"):
        page.wait_for_timeout(200)
        if not page.evaluate("() => window.__axeTimerFired"):
            page.evaluate(_SHIM_TIMERS)
            page.evaluate("() => { window.__axeNoTimers = true }")


def inject_axe(page) -> None:
    """Load axe-core into ``page`` (once per document).

    The portal sends a nonce-based Content-Security-Policy, which refuses an
    inline ``<script>`` such as ``page.add_script_tag(path=...)`` creates (and
    logs a CSP violation). So the source is first evaluated through the
    DevTools protocol, which CSP does not govern and which also works with
    JavaScript disabled (see ``_ensure_timers``); ``add_script_tag`` is the
    fallback. The tests keep
    the real CSP switched on.
    """
    if page.evaluate("() => typeof window.axe !== 'undefined'"):
        return
    _ensure_timers(page)
    try:
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001
        pass
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        raise AssertionError(f"could not load axe-core from {AXE_PATH}")


def axe_violations(page, *, disable_rules: tuple[str, ...] | list[str] = ()) -> list[dict]:
    """The WCAG A/AA violations axe-core finds on ``page``'s current document."""
    inject_axe(page)
    return page.evaluate(_RUN_AXE, {"tags": WCAG_TAGS, "disabled": list(disable_rules)})


def format_violations(violations: list[dict], url: str = "", max_nodes: int = 3) -> str:
    lines = [f"{len(violations)} axe-core violation(s){' on ' + url if url else ''}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact') or 'n/a'}]: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:max_nodes]:
            target = " ".join(str(t) for t in node["target"])
            html = " ".join(node["html"].split())
            if len(html) > 200:
                html = html[:197] + "..."
            lines.append(f"    {target}")
            lines.append(f"      {html}")
        if len(v["nodes"]) > max_nodes:
            lines.append(f"    ... and {len(v['nodes']) - max_nodes} more element(s)")
    return "\n".join(lines)


def assert_no_axe_violations(page, *, disable_rules: tuple[str, ...] | list[str] = (), max_nodes: int = 3) -> None:
    """Fail with a readable list (rule, impact, help, first few elements) if axe finds any."""
    violations = axe_violations(page, disable_rules=disable_rules)
    if violations:
        raise AssertionError(format_violations(violations, page.url, max_nodes))
