"use client";

import { useEffect, useRef, useState } from "react";

export type StreamState = "connecting" | "live" | "polling";

const POLL_MS = 10_000;
/** Even while the stream is open: a safety net for notifications lost while the server's LISTEN reconnected. */
const SAFETY_REFRESH_MS = 60_000;

/**
 * Calls `onChange` when deployments are written: on each `deployments` event of
 * GET /api/v1/deployments/stream, and when the stream (re)opens, since nothing is replayed.
 * While the stream is down (EventSource reconnects by itself) it polls every 10 s instead.
 */
export function useDeploymentStream(onChange: () => unknown): StreamState {
  const [state, setState] = useState<StreamState>("connecting");
  const callback = useRef(onChange);
  useEffect(() => {
    callback.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const changed = () => void Promise.resolve(callback.current()).catch(() => undefined);
    let poll: ReturnType<typeof setInterval> | undefined;
    const startPolling = () => {
      setState("polling");
      poll ??= setInterval(changed, POLL_MS);
    };
    const stopPolling = () => {
      clearInterval(poll);
      poll = undefined;
    };
    const safety = setInterval(changed, SAFETY_REFRESH_MS);

    if (typeof EventSource === "undefined") {
      startPolling();
      return () => {
        stopPolling();
        clearInterval(safety);
      };
    }
    let opened = false;
    const source = new EventSource("/api/v1/deployments/stream");
    source.addEventListener("ready", () => {
      stopPolling();
      setState("live");
      // A reconnect: whatever happened while it was down is in the head now.
      if (opened) changed();
      opened = true;
    });
    source.addEventListener("deployments", changed);
    source.addEventListener("error", startPolling);
    return () => {
      source.close();
      stopPolling();
      clearInterval(safety);
    };
  }, []);

  return state;
}
