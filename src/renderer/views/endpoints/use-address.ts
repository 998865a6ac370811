import { useEffect, useRef, useState } from 'react';

/** The current `location.hash`, kept in step with hashchange (reload, links, Back). */
export function useLocationHash(): [string, (hash: string, mode: 'push' | 'replace') => void] {
  const [hash, setHashState] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHashState(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const write = (next: string, mode: 'push' | 'replace') => {
    if (next === window.location.hash) return;
    // replaceState does not fire hashchange: typing in the filter must not add a Back step per key.
    if (mode === 'replace') window.history.replaceState(window.history.state, '', next);
    else window.history.pushState(window.history.state, '', next);
    setHashState(next);
  };
  return [hash, write];
}

/**
 * The value, but updated at most once per animation frame: a burst of fleet deltas at 10,000
 * endpoints re-derives the table once per frame, not once per delta.
 */
export function useFrameThrottled<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const frame = useRef<number | null>(null);
  useEffect(() => {
    latest.current = value;
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setShown(latest.current);
    });
  }, [value]);
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );
  return shown;
}
