// The portal's source view (decision 0146): a PDF page drawn with pdf.js, the cited passage's boxes laid over it.
import * as pdfjs from '/lib/pdfjs/pdf.min.mjs';

pdfjs.GlobalWorkerOptions.workerSrc = '/lib/pdfjs/pdf.worker.min.mjs';

const opened = new WeakMap();

/** Opens the PDF at url (the API's content route, with the reader's own sign-in) and draws the given page; returns the page count. */
export async function openPdf(container, url, page, boxes, label) {
  const pdf = await pdfjs.getDocument({ url }).promise;
  opened.set(container, { pdf, boxes, label });
  await showPage(container, page);
  return pdf.numPages;
}

/** Draws one page to the container's width, with the highlight boxes that fall on it, and scrolls the first into view. */
export async function showPage(container, number) {
  const state = opened.get(container);
  if (!state) return;
  const page = await state.pdf.getPage(number);
  const unscaled = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: Math.min(container.clientWidth / unscaled.width, 2) });
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${Math.floor(viewport.width)}px`;
  canvas.style.height = `${Math.floor(viewport.height)}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `Page ${number} of ${state.pdf.numPages} of ${state.label}`);
  await page.render({ canvas, viewport, transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0] }).promise;

  const sheet = document.createElement('div');
  sheet.className = 'kp-page';
  sheet.dataset.testid = 'pdf-page';
  sheet.dataset.page = String(number);
  sheet.style.width = canvas.style.width;
  sheet.style.height = canvas.style.height;
  sheet.append(canvas);
  for (const box of state.boxes.filter(b => b.page === number)) {
    const mark = document.createElement('div');
    mark.className = 'kp-highlight';
    mark.dataset.testid = 'pdf-highlight';
    mark.setAttribute('aria-hidden', 'true');
    // A little air around the words, as a highlighter pen leaves.
    mark.style.left = `calc(${box.left * 100}% - 2px)`;
    mark.style.top = `calc(${box.top * 100}% - 2px)`;
    mark.style.width = `calc(${box.width * 100}% + 4px)`;
    mark.style.height = `calc(${box.height * 100}% + 4px)`;
    sheet.append(mark);
  }
  container.replaceChildren(sheet);
  sheet.querySelector('.kp-highlight')?.scrollIntoView({ block: 'center' });
}

/** Scrolls an element (the marked passage of a text view) into the middle of the window. */
export function reveal(element) {
  element?.scrollIntoView({ block: 'center' });
}
