import { useEffect, useState } from 'react';

/** Sentence under the button for each call state that the element's events report. */
const CALL_STATUS = {
  idle: 'Press Talk now to reach the therapist while they are online.',
  'in-call': 'You are in a call.',
  ended: 'Your call has ended.',
};

/** Returns the page that a location hash names: `book`, or `talk` for any other hash. */
function pageFromHash(hash) {
  return hash === '#book' ? 'book' : 'talk';
}

/** Returns the page named by the location hash, and renders the caller again when it changes. */
function useHashPage() {
  const [page, setPage] = useState(() => pageFromHash(window.location.hash));
  useEffect(() => {
    const onHashChange = () => setPage(pageFromHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return page;
}

/**
 * Renders a practice site with two pages, chosen by the location hash. The Talk now button sits
 * on the talk page only, so going to the booking page unmounts the element, which then hangs up
 * a running call and closes its relay connection.
 */
export function App({ room, server }) {
  const page = useHashPage();
  return (
    <>
      <nav aria-label="Pages">
        <a href="#talk" aria-current={page === 'talk' ? 'page' : undefined}>
          Talk now
        </a>
        <a href="#book" aria-current={page === 'book' ? 'page' : undefined}>
          Book a session
        </a>
      </nav>
      <main>{page === 'talk' ? <TalkPage room={room} server={server} /> : <BookPage />}</main>
    </>
  );
}

/**
 * Renders the button and a status line that follows the call. React 19 sets a prop of a custom
 * element as a property when the element has a property of that name (`room`, `server`), else as
 * an attribute (`fallback-url`). It adds an `on` + event name prop as an event listener.
 */
function TalkPage({ room, server }) {
  const [callState, setCallState] = useState('idle');
  return (
    <section>
      <h1>Talk to the therapist</h1>
      <p className="call-status" data-call-state={callState}>
        {CALL_STATUS[callState]}
      </p>
      <porchlight-button
        room={room}
        server={server}
        fallback-url="#book"
        onporchlight-call-start={() => setCallState('in-call')}
        onporchlight-call-end={() => setCallState('ended')}
      ></porchlight-button>
    </section>
  );
}

function BookPage() {
  return (
    <section>
      <h1>Book a session</h1>
      <p>Sessions last fifty minutes, by video or in person. Write to book a time.</p>
    </section>
  );
}
