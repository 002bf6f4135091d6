/* sysreview: the PDF viewer beside a record's card or a study's extraction form.
 *
 * Every <section class="pdf-viewer" data-src="..."> on the page (and any HTMX swaps in
 * later) shows its PDF one page at a time, drawn by pdf.js (vendored in
 * /static/pdfjs/, its worker a module script from the same origin, as the page's
 * Content-Security-Policy allows). The search form inside asks the server which pages
 * hold a term (HTMX); the viewer then shows the first such page, and each hit's link
 * shows its page. The upload form refuses a file larger than its data-max-bytes before
 * sending it.
 */
import * as pdfjs from "/static/pdfjs/pdf.min.mjs";

pdfjs.GlobalWorkerOptions.workerSrc = "/static/pdfjs/pdf.worker.min.mjs";
/* One worker for every document of the page (each swap of a panel would start another). */
let sharedWorker = null;
const viewers = new WeakMap();

function worker() {
  sharedWorker ||= new pdfjs.PDFWorker({ name: "sysreview-pdf" });
  return sharedWorker;
}

class PdfViewer {
  constructor(root) {
    this.root = root;
    this.canvas = root.querySelector(".pdf-canvas");
    this.state = root.querySelector(".pdf-state");
    this.pageInput = root.querySelector(".pdf-page");
    this.count = root.querySelector(".pdf-count");
    this.loading = null;
    this.doc = null;
    this.page = 1;
    this.task = null;
    this.queued = null;
    root.querySelector(".pdf-prev").addEventListener("click", () => this.show(this.page - 1));
    root.querySelector(".pdf-next").addEventListener("click", () => this.show(this.page + 1));
    this.pageInput.addEventListener("change", () => this.show(Number(this.pageInput.value)));
    const chooser = root.querySelector(".pdf-file");
    if (chooser) {
      chooser.addEventListener("change", () => this.choose(chooser.value));
    }
    root.addEventListener("click", (event) => {
      const hit = event.target.closest("[data-page]");
      if (hit && root.contains(hit)) {
        event.preventDefault();
        this.show(Number(hit.dataset.page));
      }
    });
    root.addEventListener("htmx:afterSwap", (event) => {
      const first = event.target.classList.contains("pdf-hits")
        && event.target.querySelector("[data-page]");
      if (first) {
        this.show(Number(first.dataset.page));
      }
    });
    this.load(root.dataset.src);
  }

  choose(src) {
    /* Another of the record's (or study's) files: its search goes to its own URL. */
    const form = this.root.querySelector(".pdf-search");
    form.setAttribute("action", `${src}/search`);
    form.setAttribute("hx-get", `${src}/search`);
    if (window.htmx) {
      window.htmx.process(form);
    }
    this.root.querySelector(".pdf-hits").replaceChildren();
    this.root.querySelector(".pdf-download").setAttribute("href", src);
    this.load(src);
  }

  async load(src) {
    this.say("Loading the PDF…");
    this.root.dataset.src = src;
    delete this.root.dataset.rendered;
    try {
      this.close();
      this.loading = pdfjs.getDocument({ url: src, enableXfa: false, worker: worker() });
      this.doc = await this.loading.promise;
    } catch (error) {
      this.say(`The PDF could not be shown: ${error.message}`);
      this.root.dataset.failed = "1";
      return;
    }
    this.pageInput.max = String(this.doc.numPages);
    this.count.textContent = `of ${this.doc.numPages}`;
    await this.show(1);
  }

  async show(number) {
    if (!this.doc || !Number.isInteger(number)) {
      return;
    }
    const target = Math.min(Math.max(number, 1), this.doc.numPages);
    if (this.task) {
      /* a page is being drawn: draw the latest one asked for once it is done */
      this.queued = target;
      return;
    }
    this.page = target;
    this.pageInput.value = String(target);
    const page = await this.doc.getPage(target);
    const width = Math.max(this.canvas.parentElement.clientWidth, 200);
    const scale = width / page.getViewport({ scale: 1 }).width;
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: scale * ratio });
    this.canvas.width = Math.floor(viewport.width);
    this.canvas.height = Math.floor(viewport.height);
    this.canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
    this.canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
    this.task = page.render({ canvas: this.canvas, canvasContext: this.canvas.getContext("2d"), viewport });
    try {
      await this.task.promise;
      this.canvas.setAttribute("aria-label", `Page ${target} of ${this.doc.numPages}`);
      this.root.dataset.rendered = String(target);
      this.say(`Page ${target} of ${this.doc.numPages}`);
    } catch (error) {
      if (!(error instanceof pdfjs.RenderingCancelledException)) {
        this.say(`Page ${target} could not be drawn: ${error.message}`);
      }
    } finally {
      this.task = null;
    }
    if (this.queued !== null) {
      const next = this.queued;
      this.queued = null;
      await this.show(next);
    }
  }

  say(text) {
    this.state.textContent = text;
  }

  close() {
    /* The panel is being replaced: free the document (the shared worker stays). */
    if (this.loading) {
      this.loading.destroy();
      this.loading = null;
      this.doc = null;
    }
  }
}

function checkUploads(root) {
  for (const form of root.querySelectorAll("form.ft-upload:not([data-checked])")) {
    form.dataset.checked = "1";
    form.addEventListener("htmx:beforeRequest", (event) => {
      const input = form.querySelector("input[type=file]");
      const file = input && input.files[0];
      const limit = Number(form.dataset.maxBytes);
      const problem = form.querySelector(".ft-upload-problem");
      if (file && limit && file.size > limit) {
        event.preventDefault();
        problem.textContent = `${file.name} has ${file.size.toLocaleString()} bytes; full texts of at most ${Math.floor(limit / 1048576)} MiB are accepted.`;
        problem.hidden = false;
      }
    });
  }
}

function placeDock() {
  /* The dock starts below the header, however many lines the header takes. */
  const header = document.querySelector("header");
  const top = header ? Math.max(header.getBoundingClientRect().bottom, 0) + 8 : 8;
  document.documentElement.style.setProperty("--ft-dock-top", `${Math.round(top)}px`);
}

function start(root) {
  for (const element of root.querySelectorAll(".pdf-viewer[data-src]:not([data-ready])")) {
    element.dataset.ready = "1";
    viewers.set(element, new PdfViewer(element));
  }
  checkUploads(root);
  placeDock();
}

start(document);
document.addEventListener("htmx:beforeCleanupElement", (event) => {
  const viewer = viewers.get(event.target);
  if (viewer) {
    viewer.close();
    viewers.delete(event.target);
  }
});
document.addEventListener("htmx:afterSettle", () => start(document));
window.addEventListener("resize", placeDock);
window.addEventListener("scroll", placeDock, { passive: true });
