import { useEffect, useState } from 'react';
import type { UserView } from '#shared/http/schemas.js';
import { api } from './api.js';
import { Header } from './components.js';
import { navigate, usePath } from './router.js';
import { AccountList } from './screens/account-list.js';
import { AccountSettings } from './screens/account-settings.js';
import { ChangeMapping } from './screens/change-mapping.js';
import { NewAccount } from './screens/new-account.js';
import { Setup } from './screens/setup.js';
import { InviteDonePage, InvitePage } from './screens/invitations.js';
import { SignIn } from './screens/sign-in.js';
import { SignUp } from './screens/sign-up.js';

export function App() {
  const path = usePath();
  const [user, setUser] = useState<UserView | null | undefined>(undefined);
  // A connect link's pages need no login, and ask for none (whoever opens one is not the seller).
  const invitee = path === '/invite' || path === '/invite/done';
  useEffect(() => {
    if (invitee) return;
    api.me().then((r) => setUser(r.user), () => setUser(null));
  }, [invitee]);

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    setUser(null);
    navigate('/login');
  };

  if (invitee) {
    return (
      <>
        <Header user={null} onSignOut={() => undefined} />
        {path === '/invite' ? <InvitePage /> : <InviteDonePage />}
      </>
    );
  }
  let screen;
  if (user === undefined) screen = <main className="card"><p role="status">Loading…</p></main>;
  else if (!user) screen = path === '/login' ? <SignIn onSignedIn={setUser} /> : <SignUp onSignedIn={setUser} />;
  else if (path === '/accounts/new') screen = <NewAccount />;
  else if (/^\/accounts\/[^/]+\/mapping$/.test(path)) screen = <ChangeMapping key={path} id={decodeURIComponent(path.split('/')[2] ?? '')} />;
  else if (/^\/accounts\/[^/]+\/setup$/.test(path)) screen = <Setup key={path} id={decodeURIComponent(path.split('/')[2] ?? '')} />;
  else if (path.startsWith('/accounts/')) screen = <AccountSettings key={path} id={decodeURIComponent(path.slice('/accounts/'.length))} />;
  else screen = <AccountList />;

  return (
    <>
      <Header user={user ?? null} onSignOut={() => void signOut()} />
      {screen}
    </>
  );
}
