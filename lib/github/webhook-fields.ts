// Field shapes shared by the GitHub webhook payloads Shiplog reads.
import { z } from "zod";

/** A full commit SHA, normalised to lower case (how commits are stored). */
export const commitSha = z
  .string()
  .regex(/^[0-9a-fA-F]{40}$/, "must be a full 40-character commit SHA")
  .transform((sha) => sha.toLowerCase());

/** GitHub's ISO 8601 timestamps ("2019-05-15T15:20:53Z", "2020-10-02T12:42:30.000Z"). */
export const githubTime = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const repositoryRef = z.object({ full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must be "owner/name"') });

export const ZERO_SHA = /^0{40}$/;
