import { graphBatchTransport, type BatchItem } from '../../../../src/graph/bulk';

describe('graphBatchTransport', () => {
  it('posts the items to /$batch and returns the responses', async () => {
    const call = jest
      .fn()
      .mockResolvedValue({ status: 200, body: { responses: [{ id: '1', status: 204 }] } });
    const items: BatchItem[] = [{ id: '1', method: 'POST', url: '/users/a/revokeSignInSessions', body: {} }];
    await expect(graphBatchTransport({ call })(items)).resolves.toEqual([{ id: '1', status: 204 }]);
    expect(call).toHaveBeenCalledWith('POST', '/$batch', { body: { requests: items } });
  });
});
