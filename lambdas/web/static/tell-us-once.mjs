// Progressive enhancement: GOV.UK Frontend's components, and live progress on the status page.
// Every page works without this script.
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();

const progress = document.querySelector('[data-module="tuo-live-progress"]');
if (progress && progress.dataset.final !== 'true') {
  const announcement = document.getElementById('progress-announcement');
  let lastText = '';
  const poll = async () => {
    try {
      const response = await fetch(progress.dataset.progressUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (response.ok) {
        const update = await response.json();
        progress.innerHTML = update.html;
        if (announcement && update.statusText !== lastText) {
          announcement.textContent = update.statusText;
          lastText = update.statusText;
        }
        if (update.final) {
          progress.dataset.final = 'true';
          return;
        }
      }
    } catch {
      // A missed update is caught up by the next one.
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}

// The proof of notification's print button: without this script the browser's own print works.
for (const button of document.querySelectorAll('[data-module="tuo-print"]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
