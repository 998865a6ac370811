import { useEffect, useState } from 'react';

/**
 * The wall clock, re-read every `intervalMs` while `active`: for "retry in 12 s" and a fault's
 * time left. Off when nothing on screen counts down, so an idle view does no work.
 */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    // Idle, the clock stood still: read it again at once, not a whole interval late.
    const tick = () => setNow(Date.now());
    tick();
    const timer = window.setInterval(tick, intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
