import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, sessionCookie } from './http.js';

describe('the session cookie', () => {
  it('is __Host-onramp_session in the cloud: Secure, Path=/, no Domain', () => {
    const set = sessionCookie('tok', 3600, true);
    expect(set).toMatch(/^__Host-onramp_session=tok; /);
    expect(set).toContain('; Secure');
    expect(set).toContain('; Path=/;');
    expect(set).not.toMatch(/Domain=/i);
    expect(clearedSessionCookie(true)).toMatch(/^__Host-onramp_session=; .*Max-Age=0/);
  });

  it('is onramp_session on plain-http localhost, where __Host- cannot be set', () => {
    expect(sessionCookie('tok', 3600, false)).toMatch(/^onramp_session=tok; (?!.*Secure)/);
  });
});
