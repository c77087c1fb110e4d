// The studio's code editor (Streamlit custom component v2, no build step).
// Python sends {text, doc, language, errors, goto, debounceMs, height, label}; the editor
// sends its text back as the state value "text" once typing has paused for debounceMs,
// so Python validates as you type. Streamlit calls this function again on every rerun
// with the same elements: what the trainer typed is never overwritten by Python's copy.

const YAML_KEY = /^(\s*(?:-\s+)?)([^\s#'"{}[\],&*!|>%@`][^:#]*?)(:)(?=\s|$)/;
const YAML_SCALAR = /^(true|false|yes|no|on|off|null|~)$/i;
const NUMBER = /^[-+]?(\d[\d_]*\.?\d*([eE][-+]?\d+)?|\.\d+)$/;

function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function span(cls, s) {
  return s ? `<span class="${cls}">${escapeHtml(s)}</span>` : "";
}

// Where a comment starts: a "#" at the start or after a space, outside quotes.
function commentAt(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) {
      return i;
    }
  }
  return -1;
}

function value(s) {
  const trimmed = s.trim();
  if (!trimmed) return escapeHtml(s);
  const lead = s.slice(0, s.indexOf(trimmed));
  const tail = s.slice(lead.length + trimmed.length);
  let cls = "";
  if (/^(['"]).*\1$/.test(trimmed)) cls = "hs-string";
  else if (NUMBER.test(trimmed)) cls = "hs-number";
  else if (YAML_SCALAR.test(trimmed) || /^[|>][-+]?$/.test(trimmed)) cls = "hs-keyword";
  return escapeHtml(lead) + (cls ? span(cls, trimmed) : escapeHtml(trimmed)) + escapeHtml(tail);
}

function highlightYaml(line) {
  const at = commentAt(line);
  const code = at < 0 ? line : line.slice(0, at);
  const comment = at < 0 ? "" : line.slice(at);
  const key = YAML_KEY.exec(code);
  let html;
  if (key) {
    const [whole, lead, name, colon] = key;
    html = escapeHtml(lead).replace("-", span("hs-punct", "-")) + span("hs-key", name) +
      span("hs-punct", colon) + value(code.slice(whole.length));
  } else {
    const item = /^(\s*)(-)(\s.*|)$/.exec(code);
    html = item ? escapeHtml(item[1]) + span("hs-punct", "-") + value(item[3]) : value(code);
  }
  return html + span("hs-comment", comment);
}

function render(ed) {
  const lines = ed.input.value.split("\n");
  const yaml = ed.language === "yaml";
  ed.highlight.innerHTML = lines.map((line, i) => {
    const html = yaml ? highlightYaml(line) : escapeHtml(line);
    return ed.errors.has(i + 1) ? `<span class="hs-error">${html || " "}</span>` : html;
  }).join("\n") + "\n";
  ed.numbers.innerHTML = lines.map((_, i) =>
    `<div${ed.errors.has(i + 1) ? ' class="hs-error"' : ""}>${i + 1}</div>`).join("");
  syncScroll(ed);
}

function syncScroll(ed) {
  const { scrollTop, scrollLeft } = ed.input;
  ed.highlight.style.transform = `translate(${-scrollLeft}px, ${-scrollTop}px)`;
  ed.numbers.style.transform = `translateY(${-scrollTop}px)`;
}

// Put the caret at the start of `line` (1-based) and scroll it into the upper third.
function goToLine(ed, line) {
  const lines = ed.input.value.split("\n");
  const n = Math.max(1, Math.min(line, lines.length));
  let offset = 0;
  for (let i = 0; i < n - 1; i++) offset += lines[i].length + 1;
  ed.input.focus();
  ed.input.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(ed.input).lineHeight) || 20;
  ed.input.scrollTop = Math.max(0, (n - 1) * lineHeight - ed.input.clientHeight / 3);
  syncScroll(ed);
}

function setup(parentElement, setStateValue) {
  const ed = {
    root: parentElement.querySelector(".hs-editor"),
    input: parentElement.querySelector(".hs-input"),
    highlight: parentElement.querySelector(".hs-highlight"),
    numbers: parentElement.querySelector(".hs-numbers"),
    status: parentElement.querySelector(".hs-status"),
    errors: new Set(),
    timer: null,
    sent: null,
    doc: null,
    gotoSeq: null,
  };
  ed.send = () => {
    clearTimeout(ed.timer);
    ed.timer = null;
    if (ed.input.value !== ed.sent) {
      ed.sent = ed.input.value;
      ed.status.textContent = "Checking…";
      setStateValue("text", ed.sent);
    }
  };
  ed.input.addEventListener("input", () => {
    render(ed);
    clearTimeout(ed.timer);
    ed.timer = setTimeout(ed.send, ed.debounceMs);
  });
  ed.input.addEventListener("blur", ed.send);
  ed.input.addEventListener("scroll", () => syncScroll(ed));
  ed.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) ed.send();
  });
  parentElement.__hsEditor = ed;
  return ed;
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let ed = parentElement.__hsEditor;
  if (!ed || !ed.input.isConnected) {
    ed = setup(parentElement, setStateValue);
    ed.gotoSeq = data.goto ? data.goto.seq : null; // a request made before this mount is old
  }
  ed.language = data.language;
  ed.debounceMs = data.debounceMs;
  ed.root.style.setProperty("--hs-height", `${data.height}px`);
  ed.input.setAttribute("aria-label", data.label);
  if (ed.doc !== data.doc) {
    // First render, or another file: take Python's text. Otherwise keep what is typed.
    ed.doc = data.doc;
    ed.input.value = data.text;
    ed.sent = data.text;
  }
  ed.errors = new Set(data.errors);
  if (!ed.timer) ed.status.textContent = ""; // this run has checked the text sent last
  render(ed);
  if (data.goto && data.goto.seq !== ed.gotoSeq) {
    ed.gotoSeq = data.goto.seq;
    goToLine(ed, data.goto.line);
  }
}
