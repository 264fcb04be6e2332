"use client";

import { useEffect, useRef, useState } from "react";

export type StreamState = "connecting" | "live" | "polling";

const POLL_MS = 10_000;
/** After the server refused the stream outright, try it again this much later. */
const REOPEN_MS = 30_000;
/** Even while the stream is open: a safety net for notifications lost while the server's LISTEN reconnected. */
const SAFETY_REFRESH_MS = 60_000;

/**
 * Calls `onChange` when deployments are written (the timeline refetches its head, the fleet
 * page re-renders its numbers and matrix): on each `deployments` event of
 * GET /api/v1/deployments/stream, and when the stream (re)opens, since nothing is replayed.
 * While the stream is down it polls every 10 s instead (EventSource reconnects by itself after
 * a network error; after an HTTP error the stream is tried again every 30 s).
 */
export function useDeploymentStream(onChange: () => unknown, { refreshOnFirstOpen = true }: { refreshOnFirstOpen?: boolean } = {}): StreamState {
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
    let source: EventSource | undefined;
    let opened = false;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      source = new EventSource("/api/v1/deployments/stream");
      source.addEventListener("ready", () => {
        stopPolling();
        setState("live");
        // Nothing is replayed: what was written since the page was rendered (or while the
        // stream was down) is in the head now. A page that would rather not render twice on
        // every open skips the first (the safety refresh below still covers that moment).
        if (opened || refreshOnFirstOpen) changed();
        opened = true;
      });
      source.addEventListener("deployments", changed);
      source.addEventListener("error", () => {
        startPolling();
        // EventSource retries network errors itself, but gives up on an HTTP error (a proxy's 502).
        if (source?.readyState === EventSource.CLOSED) reopen = setTimeout(connect, REOPEN_MS);
      });
    };
    connect();
    return () => {
      source?.close();
      clearTimeout(reopen);
      stopPolling();
      clearInterval(safety);
    };
  }, [refreshOnFirstOpen]);

  return state;
}
