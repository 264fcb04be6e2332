// A CI build report (POST /api/webhooks/build): image:tag was built from a commit. Read back with
// the schema the receiver checked it against, and recorded as build evidence (BUILD_REPORT).
import { recordBuild } from "../../builds/record-build";
import { buildReportSchema } from "../accept/build-report";
import { type DeliveryHandler, parsePayload, processed } from "./delivery-handler";

export const handleBuildReport: DeliveryHandler = async (payload, { db }) => {
  const report = parsePayload(buildReportSchema, payload, "build report");
  await recordBuild(db, {
    repository: report.repository,
    commitSha: report.commitSha.toLowerCase(),
    image: report.image,
    tag: report.tag,
    digest: report.digest ?? null,
    builtAt: new Date(report.builtAt),
    source: "BUILD_REPORT",
    service: report.service ?? null,
  });
  return processed;
};
