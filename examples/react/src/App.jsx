import { useState } from 'react';

/**
 * Renders a practice page with the Talk now button. React 19 passes props of custom elements as
 * properties when the element has a property of that name, and `on` + event name props as
 * event listeners, so the element needs no wrapper component.
 */
export function App({ room, server }) {
  const [inCall, setInCall] = useState(false);

  return (
    <main>
      <h1>Example practice</h1>
      <p>{inCall ? 'You are in a call.' : 'Press the button to talk to the therapist.'}</p>
      <porchlight-button
        room={room}
        server={server}
        onporchlight-call-start={() => setInCall(true)}
        onporchlight-call-end={() => setInCall(false)}
      ></porchlight-button>
    </main>
  );
}
