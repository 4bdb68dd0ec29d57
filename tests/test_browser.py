"""JupyterLab end to end, in a real browser: open notebook 03, Run All, and look at what a user sees.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package (``.ci/run``
installs the browser when it is missing).  Skipped when they are not there, unless
``ANALYSIS_REQUIRE_BROWSER=1`` (CI sets it), which turns the skip into a failure.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from analysis import figures
from analysis.build import NOTEBOOKS, ensure_kernel

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = NOTEBOOKS[2]  # 03_stance_and_sentiment: scores, writes and shows every figure
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
RUN_TIMEOUT = 600  # seconds for Run All on a busy 2-core machine

pytestmark = pytest.mark.slow


def _missing():
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    if not CHROMIUM or not DRIVER:
        return "chromium / chromium-driver not installed (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free local port, serving a copy of notebook 03 (so autosave cannot touch the repo)."""
    reason = _missing()
    if reason:
        if os.environ.get("ANALYSIS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("lab")
    (base / "work").mkdir()
    nb = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    nb.metadata["kernelspec"] = {"name": ensure_kernel(), "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, base / "work" / NOTEBOOK)
    # Every cell in the DOM (no virtual scrolling), so the test sees all outputs.
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "analysis-test"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"), "JUPYTER_RUNTIME_DIR": str(base / "runtime")}
    log = open(base / "lab.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
                               "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
                               f"--ServerApp.root_dir={base / 'work'}", "--ServerApp.open_browser=False",
                               "--allow-root"],  # CI containers run as root
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not start: {(base / 'lab.log').read_text()[-2000:]}")
        yield url, token, base / "work"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def _wait(driver, condition, timeout, what):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.5).until(condition, message=f"waiting for {what}")


def _run_all(browser, url, token, name):
    """Open notebook ``name`` in JupyterLab, Run > Run All Cells as a user would, and wait until it finishes."""
    from selenium.webdriver.common.by import By

    browser.get(f"{url}/lab/tree/{name}?token={token}")
    code_cells = "div.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell"
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, code_cells), 120, "the notebook")

    def kernel_idle(_):
        try:
            with urllib.request.urlopen(f"{url}/api/sessions?token={token}", timeout=10) as response:
                sessions = [s for s in json.load(response) if s["path"].endswith(name)]
        except OSError:  # a busy server answers late: ask again
            return False
        return len(sessions) == 1 and sessions[0]["kernel"]["execution_state"] == "idle"

    _wait(browser, kernel_idle, 120, "the kernel")
    n_code = len(browser.find_elements(By.CSS_SELECTOR, code_cells))

    def prompts(d):
        return [e.text.strip() for e in d.find_elements(By.CSS_SELECTOR, f"{code_cells} .jp-InputArea-prompt")]

    for attempt in range(3):  # Run > Run All Cells, as a user would (again if the click came too early)
        browser.find_elements(By.CSS_SELECTOR, f"{code_cells} .jp-InputArea-prompt")[0].click()  # focus
        menu = next(e for e in browser.find_elements(By.CSS_SELECTOR, "li.lm-MenuBar-item")
                    if e.text.strip() == "Run")
        menu.click()
        _wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, ".lm-Menu li.lm-Menu-item")
                                  if e.text.strip().startswith("Run All Cells")], 10, "Run All Cells")[0].click()
        try:
            _wait(browser, lambda d: any(p != "[ ]:" for p in prompts(d)), 30, "the first cell to start")
            break
        except Exception:
            if attempt == 2:
                raise

    def finished(d):
        shown = prompts(d)
        return len(shown) == n_code and all(p.strip("[]: ").isdigit() for p in shown)  # "[7]:", not "[*]:"

    _wait(browser, finished, RUN_TIMEOUT, "Run All to finish")


def test_run_all_in_jupyterlab_shows_every_figure_and_no_error(lab, browser):
    from selenium.webdriver.common.by import By

    url, token, work = lab
    _run_all(browser, url, token, NOTEBOOK)
    errors = browser.find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.error'], "
                                                    ".jp-OutputArea-output[data-mime-type*='stderr']")
    assert not errors, [e.text[:500] for e in errors]  # no traceback, no warning, no library progress bar
    images = browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img")
    assert len(images) == len(figures.FIGURE_NAMES)
    assert all(img.get_attribute("naturalWidth") not in (None, "0") for img in images)
    assert (ROOT / "build" / "figures" / f"{figures.FIGURE_NAMES[-1]}.png").is_file()  # not figures/


HOSTILE_TARGET = "the $5 fee <img src=x onerror='document.body.dataset.hostile=1'>\n# injected $x^$"


def test_hostile_article_runs_no_script_in_jupyterlab(lab, browser, tmp_path_factory):
    """Notebook 03 on tests/fixtures/hostile/xss_quote.txt (a <script>, an <img onerror>, a remote image
    and a javascript: link in quotes) and a target with HTML, a newline and $: the text is shown, nothing runs."""
    from selenium.webdriver.common.by import By

    url, token, work = lab
    nb = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    nb.metadata["kernelspec"] = {"name": ensure_kernel(), "display_name": "Python 3", "language": "python"}
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source += (f"\narticles = {str(ROOT / 'tests' / 'fixtures' / 'hostile' / 'xss_quote.txt')!r}"
                      f"\ntarget = {HOSTILE_TARGET!r}\nfigures_dir = {str(tmp_path_factory.mktemp('figs'))!r}\n")
    nbformat.write(nb, work / "hostile.ipynb")
    _run_all(browser, url, token, "hostile.ipynb")
    errors = browser.find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.error']")
    assert not errors, [e.text[:500] for e in errors]
    assert browser.execute_script("return document.body.getAttribute('data-hostile')") is None  # nothing ran
    outputs = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output"
    assert not browser.find_elements(By.CSS_SELECTOR, f"{outputs} script, {outputs} a[href^='javascript'], "
                                                      f"{outputs} img[src*='example.invalid'], {outputs} img[src='x']")
    assert len(browser.find_elements(By.CSS_SELECTOR, f"{outputs} img")) == len(figures.FIGURE_NAMES)
    shown = " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, outputs))
    assert "<script>document.body.setAttribute('data-hostile', 'script')</script>" in shown  # as text
    assert "[this link](javascript:" in shown and "$x^$" in shown
    tables = " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, f"{outputs} table.dataframe"))
    assert "the $5 fee and the $10 tax" in tables  # DataFrames too show $ as written, not as math
