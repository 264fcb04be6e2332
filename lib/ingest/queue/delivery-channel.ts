// The channel the accept path and replays NOTIFY and the worker LISTENs on. Its own module so
// the webhook routes, which only NOTIFY it, do not pull in the worker's whole import graph.

/** NOTIFY this channel after storing or re-queuing deliveries to wake workers at once. */
export const DELIVERY_CHANNEL = "shiplog_deliveries";
/** Payload on DELIVERY_CHANNEL after a rebuild: workers forget the ids they remember. */
export const REBUILT_NOTIFICATION = "rebuilt";
