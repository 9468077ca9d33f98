import { builder } from "../schema/builder.js";
import { callerOf } from "../server/context.js";
import { listTags, type TagRecord } from "./tags.js";

export const TagRef = builder.objectRef<TagRecord>("Tag").implement({
  description: "A label of a workspace's contacts. Names are case-sensitive: `VIP` and `vip` are two tags.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The tag's id." }),
    workspaceId: t.exposeID("workspaceId", { description: "The workspace the tag belongs to." }),
    name: t.exposeString("name", { description: "The name, trimmed, 1 to 255 characters." }),
  }),
});

builder.queryField("tags", (t) =>
  t.field({
    type: [TagRef],
    description:
      "The tags of a workspace (every reachable workspace's, for an account key that names none), sorted like a contact's tags. Empty for a workspace the key cannot reach.",
    args: { workspaceId: t.arg.id({ required: false, description: "Narrow to one workspace." }) },
    authScopes: { "contacts:read": true },
    resolve: (_root, { workspaceId }, context) => listTags(context.prisma, callerOf(context), workspaceId),
  }),
);
