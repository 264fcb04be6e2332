import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { RollbackView } from "@/lib/rollback/rollback-plan";
import { describeRollbackState } from "@/lib/rollback/summarize-rollback-group";

const tones: Record<RollbackView["state"], BadgeTone> = {
  REQUESTED: "warn",
  APPROVED: "info",
  EXECUTING: "info",
  WAITING_FOR_SYNC: "info",
  SUCCEEDED: "good",
  FAILED: "bad",
  CANCELLED: "neutral",
};

export function RollbackStateBadge({ state }: { state: RollbackView["state"] }) {
  return <Badge tone={tones[state]}>{describeRollbackState(state)}</Badge>;
}
