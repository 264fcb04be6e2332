// `create`: a branch or tag was created. A new branch brings no commits of its own (its commits
// arrive with `push`), and tags are not modelled: releases are identified from the images Argo CD
// runs. Stored and acknowledged, not acted on; replayable should tags be modelled later.
import { z } from "zod";
import { type DeliveryHandler, ignored } from "./delivery-handler";

const createSchema = z.object({ ref: z.string(), ref_type: z.string() });

export const handleGithubCreate: DeliveryHandler = async (payload) => {
  const event = createSchema.safeParse(payload);
  const what = event.success ? `${event.data.ref_type} ${event.data.ref}` : "a ref";
  return ignored(`created ${what}: branches and tags are not modelled (commits come with push)`);
};
