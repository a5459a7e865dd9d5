// Registers <porchlight-button> and <porchlight-console>. The bundle finds the E2EE worker
// beside itself, because build.mjs copies the worker there.
import '@porchlight/widget/define';

const button = document.querySelector('porchlight-button');
button?.addEventListener('porchlight-call-start', () => {
  document.title = 'In a call · Example practice';
});
button?.addEventListener('porchlight-call-end', () => {
  document.title = 'Example practice';
});
