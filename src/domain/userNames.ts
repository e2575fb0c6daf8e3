/** What a user is called on screen. Pure. */

interface Named {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
}

/** The display name, else the user principal name, else the object id: never empty. */
export function displayNameOf(u: Named): string {
  return u.displayName || u.userPrincipalName || u.id;
}

/** The user principal name, else the object id: never empty. */
export function principalNameOf(u: Omit<Named, 'displayName'>): string {
  return u.userPrincipalName || u.id;
}
