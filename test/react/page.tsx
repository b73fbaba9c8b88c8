/// <reference types="@sip/widget/jsx" />
// A React 18 portal page, as a vendor writes one: the wrapper from @sip/widget/react, the token
// function passed as a prop, the element's events as props. Bundled by the React browser test.
import { SipRelativeView } from '@sip/widget/react';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';

declare global {
  interface Window {
    react: { tokenCalls: boolean[]; events: { type: string; detail: unknown }[] };
  }
}

const root = document.getElementById('root')!;
const api = root.dataset.api!;
const persona = root.dataset.persona!;
window.react = { tokenCalls: [], events: [] };

async function citizenToken({ renew }: { renew: boolean }): Promise<string> {
  window.react.tokenCalls.push(renew);
  const response = await fetch(`${api}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

function Portal() {
  const [lang, setLang] = useState('sv');
  const record = (type: string) => (event: Event) => window.react.events.push({ type, detail: (event as CustomEvent).detail ?? null });
  return (
    <main>
      <h1>Mina sidor</h1>
      <button type="button" onClick={() => setLang('en')}>
        English
      </button>
      <SipRelativeView
        apiBase={api}
        lang={lang}
        headingLevel={2}
        getAccessToken={citizenToken}
        onSipReady={record('sip-ready')}
        onSipError={record('sip-error')}
        onSipConsentChange={record('sip-consent-change')}
      />
      {/* The element in JSX as it is, with its attributes typed (not rendered: React 18 would drop the token). */}
      {false && <sip-relative-view api-base={api} heading-level={3} lang="fi" />}
    </main>
  );
}

createRoot(root).render(
  <StrictMode>
    <Portal />
  </StrictMode>,
);
