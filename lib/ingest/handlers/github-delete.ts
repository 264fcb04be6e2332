// `delete`: a branch or tag was deleted. Deleting a name removes no commits and no release, so
// nothing changes; the delivery is stored and acknowledged.
import { z } from "zod";
import { type DeliveryHandler, ignored } from "./delivery-handler";

const deleteSchema = z.object({ ref: z.string(), ref_type: z.string() });

export const handleGithubDelete: DeliveryHandler = async (payload) => {
  const event = deleteSchema.safeParse(payload);
  const what = event.success ? `${event.data.ref_type} ${event.data.ref}` : "a ref";
  return ignored(`deleted ${what}: its commits stay recorded`);
};
