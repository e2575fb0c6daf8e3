import { ALEX, aGuard, EVE, MEGAN, TENANT } from '../../support/botFakes';
import { anInfo } from '../../support/serviceFakes';

const OTHER = '22222222-2222-4222-8222-222222222222';

describe('Guard', () => {
  it("passes an activity of the bot's tenant, and counts any other tenant's without recording its words", async () => {
    const { guard, foreign } = aGuard();
    expect(
      await guard.foreignTenant({ type: 'message', conversation: { tenantId: TENANT } as never }),
    ).toEqual({
      refused: false,
    });
    const refused = await guard.foreignTenant({
      type: 'invoke',
      conversation: { tenantId: OTHER } as never,
      serviceUrl: 'https://smba.example/',
      recipient: { id: '28:bot', name: 'Bot' },
    });
    expect(refused).toEqual({ refused: true, first: true });
    expect(foreign.refuse).toHaveBeenCalledWith(OTHER, {
      origin: { serviceUrl: 'https://smba.example/', bot: { id: '28:bot', name: 'Bot' } },
      click: true,
    });
  });

  it('refuses an activity with no tenant: fail closed', async () => {
    const { guard } = aGuard();
    expect((await guard.foreignTenant({ type: 'message' })).refused).toBe(true);
  });

  it('admits an admin, and refuses anyone else through the one refusal path, in words that name no setting', async () => {
    const { guard, audit, port } = aGuard();
    expect(await guard.admit(anInfo({ caller: ALEX }), 'request a sign-out')).toEqual({
      ok: true,
      caller: ALEX,
    });
    const no = await guard.admit(anInfo({ caller: EVE }), 'request a sign-out');
    expect(no.ok).toBe(false);
    expect(!no.ok && no.answer.text).toMatch(/aren't allowed to use Sign-out Bot/);
    expect(!no.ok && no.answer.text).not.toMatch(/ADMIN_/);
    expect(audit.lines).toMatchObject([
      { event: 'refused', actor: EVE, detail: 'request a sign-out: notAdmin' },
    ]);
    expect(port.said.notices).toHaveLength(1);
  });

  it('refuses a caller without an Entra id', async () => {
    const { guard, audit } = aGuard();
    const no = await guard.admit(anInfo({ caller: undefined }), 'view history');
    expect(no.ok).toBe(false);
    expect(audit.lines).toMatchObject([{ event: 'refused', detail: 'view history: unknownCaller' }]);
  });

  it('asks the approvers, not the admins, who may approve', async () => {
    const { guard } = aGuard();
    expect(await guard.isApprover(MEGAN)).toBe(true);
    expect(await guard.isApprover(ALEX)).toBe(false);
    expect(await guard.isAdmin(anInfo({ caller: ALEX }))).toBe(true);
  });
});
