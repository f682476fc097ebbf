// The current user: GET /v1/user/me (gives the user id that wallets and v1 deployment settings need).
import { z } from "zod";
import { dataEnvelope } from "./common";

export const UserSchema = z
  .object({
    id: z.string(),
    userId: z.string().nullish(),
    username: z.string().nullish(),
    email: z.string().nullish(),
    emailVerified: z.boolean().optional(),
    // Required in the Console's document; optional here so that older servers still parse.
    subscribedToNewsletter: z.boolean().optional(),
  })
  .meta({ id: "User" });
export type User = z.infer<typeof UserSchema>;

export const UserResponseSchema = dataEnvelope(UserSchema);
