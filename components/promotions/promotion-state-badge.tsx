import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONES: Record<string, BadgeTone> = {
  AWAITING_APPROVAL: "warn",
  RUNNING: "info",
  PAUSED: "warn",
  SUCCEEDED: "good",
  FAILED: "bad",
  ABORTED: "neutral",
  PENDING: "neutral",
  SOAKING: "info",
  EXECUTING: "info",
  WAITING: "info",
  CANCELLED: "neutral",
};

/** A promotion's, wave's or application's state in words, coloured like rollback states. */
export function PromotionStateBadge({ state }: { state: string }) {
  return <Badge tone={TONES[state] ?? "neutral"}>{state.toLowerCase().replaceAll("_", " ")}</Badge>;
}
