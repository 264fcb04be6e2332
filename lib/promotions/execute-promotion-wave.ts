// Runs the current wave of a running promotion: claims the wave (PENDING → RUNNING, so a second
// runner or a double click cannot start it twice), then per application, a few at a time, claims
// it (PENDING → EXECUTING), makes its change outside any transaction — a GitOps pull request that
// sets the image tag, or an Argo CD sync (dry run first) to the release's config revision — and
// records what it made (WAITING, with the pull request or operation) or why it could not
// (FAILED; the wave then stops at the next advance). A paused or aborted promotion stops starting
// applications; a resumed one continues with those left PENDING.
import type { Db } from "../db/client";
import { logger } from "../log/logger";
import { explainArgoCdError, explainGitopsError } from "../rollback/explain-rollback-error";
import { openGitopsPullRequest } from "../gitops/open-gitops-pull-request";
import { configFilesOf } from "../gitops/prepare-gitops-change";
import { oneLine, referenceCommitTrailers } from "../gitops/reference-commit-trailers";
import { advancePromotions } from "./advance-promotions";
import { gitopsTargetOf } from "./choose-promotion-method";
import type { PromotionDependencies } from "./promotion-dependencies";
import type { PromotionActor } from "./promotion-plan";
import { recordPromotionStep } from "./record-promotion-step";

const CONCURRENCY = 4;

export type ExecuteWaveResult = { wave: number | null; changed: number[]; failed: number[] };

export async function executePromotionWave(db: Db, promotionId: number, who: PromotionActor, deps: PromotionDependencies): Promise<ExecuteWaveResult> {
  const result: ExecuteWaveResult = { wave: null, changed: [], failed: [] };
  const promotion = await db.promotion.findUnique({
    where: { id: promotionId },
    select: {
      id: true,
      state: true,
      currentWave: true,
      requestedBy: true,
      reason: true,
      autoMerge: true,
      service: { select: { name: true, repository: true } },
      environment: { select: { name: true } },
      release: { select: { id: true, version: true, image: true, imageTag: true, commitSha: true } },
    },
  });
  if (!promotion || promotion.state !== "RUNNING") return result;
  const wave = await db.promotionWave.findUnique({ where: { promotionId_index: { promotionId, index: promotion.currentWave } } });
  if (!wave || (wave.state !== "PENDING" && wave.state !== "RUNNING")) return result;
  result.wave = wave.index;
  if (wave.state === "PENDING") {
    const claimed = await db.$transaction(async (tx) => {
      const moved = await tx.promotionWave.updateMany({ where: { id: wave.id, state: "PENDING" }, data: { state: "RUNNING", startedAt: deps.now() } });
      if (moved.count === 0) return false;
      await recordPromotionStep(tx, {
        promotionId,
        actor: who.actor,
        requestId: who.requestId,
        wave: wave.index,
        action: "promotion.wave-started",
        note: `wave ${wave.index + 1} (${wave.kind === "canary" ? "canary" : (wave.region ?? "no region")}): ${wave.clusters.join(", ")}`,
        at: deps.now(),
      });
      return true;
    });
    if (!claimed) return result;
  }
  const due = await db.promotionApplication.findMany({
    where: { waveId: wave.id, state: "PENDING" },
    include: { application: { include: { argoInstance: { select: { name: true } }, cluster: { select: { name: true } } } } },
    orderBy: { id: "asc" },
  });
  const commit = promotion.release.commitSha ? await loadCommit(db, promotion.release.commitSha, promotion.service.repository) : null;
  const queue = [...due];
  const worker = async () => {
    for (let member = queue.shift(); member; member = queue.shift()) {
      // Paused or aborted meanwhile: leave the rest PENDING.
      const current = await db.promotion.findUnique({ where: { id: promotionId }, select: { state: true } });
      if (current?.state !== "RUNNING") return;
      const claimed = await db.promotionApplication.updateMany({ where: { id: member.id, state: "PENDING" }, data: { state: "EXECUTING", changedAt: deps.now() } });
      if (claimed.count === 0) continue;
      const outcome = await perform(member);
      await db.$transaction(async (tx) => {
        if (outcome.ok) {
          await tx.promotionApplication.update({
            where: { id: member.id },
            data: { state: "WAITING", changedAt: deps.now(), pullRequestUrl: outcome.pullRequestUrl ?? null, pullRequestNumber: outcome.pullRequestNumber ?? null, argoOperation: outcome.argoOperation ?? null },
          });
        } else {
          await tx.promotionApplication.update({ where: { id: member.id }, data: { state: "FAILED", error: outcome.error, finishedAt: deps.now() } });
        }
        await recordPromotionStep(tx, {
          promotionId,
          actor: who.actor,
          requestId: who.requestId,
          wave: wave.index,
          action: outcome.ok ? "promotion.application-changed" : "promotion.application-failed",
          outcome: outcome.ok ? "success" : "failure",
          note: outcome.ok ? outcome.note : `${member.application.name}: ${outcome.error}`,
          detail: { applicationId: member.applicationId, method: member.method },
          at: deps.now(),
        });
      });
      (outcome.ok ? result.changed : result.failed).push(member.applicationId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  // Argo CD may have reported the sync before these commits: look at once.
  await db.$transaction((tx) => advancePromotions(tx, { applicationIds: due.map((member) => member.applicationId), now: deps.now() }));
  return result;

  type Member = (typeof due)[number];
  type Outcome = { ok: true; note: string; pullRequestUrl?: string; pullRequestNumber?: number; argoOperation?: string } | { ok: false; error: string };

  async function perform(member: Member): Promise<Outcome> {
    const app = member.application;
    const release = promotion!.release;
    if (member.method === "ARGOCD") {
      const client = deps.argocd(app.argoInstance.name);
      if (!client) return { ok: false, error: `Shiplog has no API access to Argo CD instance ${app.argoInstance.name} (ARGOCD_INSTANCES).` };
      if (!member.argoRevision) return { ok: false, error: `No config revision running ${release.version} is known for ${app.name}.` };
      const request = { revision: member.argoRevision, appNamespace: app.namespace, project: app.project };
      try {
        await client.sync(app.name, { ...request, dryRun: true });
      } catch (error) {
        return { ok: false, error: `Dry run refused, nothing was changed. ${explainArgoCdError(error, app.name)}` };
      }
      try {
        await client.sync(app.name, { ...request, dryRun: false });
      } catch (error) {
        return { ok: false, error: explainArgoCdError(error, app.name) };
      }
      const operation = `sync of ${app.name} on ${app.argoInstance.name} to revision ${member.argoRevision}`;
      return { ok: true, argoOperation: operation, note: `Argo CD started the ${operation} (${release.version}).` };
    }
    const target = gitopsTargetOf({ ...app, gitlabHost: deps.gitlab?.host });
    if (!target) return { ok: false, error: `${app.name}'s source is not a folder of a GitHub or GitLab repository.` };
    const image = release.image ?? promotion!.service.name;
    const tag = release.imageTag ?? release.version;
    const valueFiles = await readValueFiles(app.name, app.namespace, app.argoInstance.name);
    try {
      const pull = await openGitopsPullRequest(deps, {
        target,
        image,
        tag,
        autoMerge: promotion!.autoMerge,
        branch: `shiplog/promote-${promotionId}-${app.id}`,
        files: configFilesOf({ application: app.name, valueFiles }),
        text: (change) => {
          const title = `Promote ${promotion!.service.name} to ${release.version} on ${app.cluster.name}`;
          const link = deps.promotionUrl(promotionId) ?? `Shiplog promotion #${promotionId}`;
          const body = [
            `Shiplog promotion #${promotionId} of ${promotion!.service.name} into ${promotion!.environment.name}, wave ${wave!.index + 1}: ${app.name}, requested by ${promotion!.requestedBy}.`,
            ...(promotion!.reason ? ["", `Reason: ${oneLine(promotion!.reason)}`] : []),
            "",
            link,
          ].join("\n");
          const trailers = referenceCommitTrailers(commit);
          const message = [title, "", body, ...(trailers.length ? ["", ...trailers] : [])].join("\n");
          return { title, message, body: `${body}\n\nSets the image tag of \`${image}\` in \`${change.filePath}\` from \`${change.previousTag ?? "(none)"}\` to \`${tag}\`.` };
        },
      });
      return {
        ok: true,
        pullRequestUrl: pull.url,
        pullRequestNumber: pull.number,
        note: `${pull.merged ? "Merged" : "Opened"} ${pull.url} (${pull.filePath}: ${pull.previousTag ?? "(none)"} → ${tag})${pull.merged ? "" : "; waiting for it to be merged"}.`,
      };
    } catch (error) {
      return { ok: false, error: explainGitopsError(error, target) };
    }
  }

  /** The application's own Helm value files (spec.source.helm.valueFiles), tried before values.yaml; none when Argo CD cannot be asked. */
  async function readValueFiles(name: string, namespace: string, instance: string): Promise<string[]> {
    const client = deps.argocd(instance);
    if (!client) return [];
    try {
      const app = await client.getApplication(name, namespace);
      const files = (app.spec as { source?: { helm?: { valueFiles?: unknown } } } | undefined)?.source?.helm?.valueFiles;
      return Array.isArray(files) ? files.filter((file): file is string => typeof file === "string") : [];
    } catch (error) {
      // Not fatal: the usual file names are still tried, and a missing file is reported by name.
      logger("promotion").warn(`could not read ${name}'s value files from Argo CD: ${explainArgoCdError(error, name)}`);
      return [];
    }
  }
}

async function loadCommit(db: Db, sha: string, codeRepository: string | null) {
  const row = await db.commit.findFirst({ where: { sha, ...(codeRepository ? { repository: codeRepository } : {}) }, select: { message: true, authorName: true, committedAt: true, repository: true } });
  return { sha, repository: row?.repository ?? codeRepository, message: row?.message ?? null, authorName: row?.authorName ?? null, committedAt: row?.committedAt ?? null };
}
