/**
 * Users app views: request handlers that validate their input, call the users services
 * and answer with a status and data or an error.
 */
import { view } from "../../framework/components.ts";
import { fieldsOf, optionalString, requiredId, requiredString } from "../../framework/input.ts";
import { respond, type ViewResponse } from "../../framework/responses.ts";
import { getService } from "../../framework/services.ts";
import type { User, UserProfile } from "./models.ts";

/** `{ username, email, fullName, password }` → 201 with the new user; 400 or 409 otherwise. */
export const registerUser = view(async function registerUser(input: unknown): Promise<ViewResponse<User>> {
  return respond(201, () => {
    const fields = fieldsOf(input);
    const UserService = getService("users.UserService");
    return new UserService().createUser({
      username: requiredString(fields, "username"),
      email: requiredString(fields, "email"),
      fullName: requiredString(fields, "fullName", { maxLength: 100 }),
      password: requiredString(fields, "password", { allowEmpty: true, trim: false }),
    });
  });
});

/** `{ username, password }` → 200 with the user when the credentials are right and the account active; 401 otherwise. */
export const loginUser = view(async function loginUser(input: unknown): Promise<ViewResponse<User>> {
  return respond(200, () => {
    const fields = fieldsOf(input);
    const UserService = getService("users.UserService");
    return new UserService().authenticate(
      requiredString(fields, "username"),
      requiredString(fields, "password", { allowEmpty: true, trim: false }),
    );
  });
});

/** `{ userId }` → 200 with the user and their profile; 404 for an unknown user. */
export const getProfile = view(async function getProfile(
  input: unknown,
): Promise<ViewResponse<{ user: User; profile: UserProfile }>> {
  return respond(200, async () => {
    const userId = requiredId(fieldsOf(input), "userId");
    const users = new (getService("users.UserService"))();
    return { user: await users.getUser(userId), profile: await users.getProfile(userId) };
  });
});

/** `{ userId, bio?, avatarUrl?, website? }` → 200 with the updated profile. */
export const updateProfile = view(async function updateProfile(input: unknown): Promise<ViewResponse<UserProfile>> {
  return respond(200, () => {
    const fields = fieldsOf(input);
    const userId = requiredId(fields, "userId");
    const bio = optionalString(fields, "bio", { maxLength: 2000 });
    const avatarUrl = optionalString(fields, "avatarUrl");
    const website = optionalString(fields, "website");
    return new (getService("users.UserService"))().updateProfile(userId, {
      ...(bio === undefined ? {} : { bio }),
      ...(avatarUrl === undefined ? {} : { avatarUrl }),
      ...(website === undefined ? {} : { website }),
    });
  });
});
