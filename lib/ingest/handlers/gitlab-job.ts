// GitLab `Job Hook`: one job's status changed. A job's payload names its commit (SHA, message,
// author) but neither the image it built nor the commit's time, so it adds nothing the model can
// hold: the commit needs its time, and the job's pipeline sends a `Pipeline Hook` with the whole
// commit (gitlab-pipeline.ts), which records it once the pipeline succeeds. Stored and
// acknowledged (IGNORED) with what the job was, replayable should jobs be modelled; images come
// from build reports (docs/setup-gitlab.md).
import { z } from "zod";
import { type DeliveryHandler, ignored } from "./delivery-handler";

const jobSchema = z.object({ build_id: z.number(), build_name: z.string(), build_status: z.string(), sha: z.string() });

export const handleGitlabJob: DeliveryHandler = async (payload) => {
  const job = jobSchema.safeParse(payload);
  const what = job.success ? `job ${job.data.build_id} (${job.data.build_name}) ${job.data.build_status} on ${job.data.sha}` : "job event";
  return ignored(`${what}: a job names no image and no commit time; its pipeline's event records the commit`);
};
