import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Which of the Azure Blob packages this test file's code has loaded, noted by jest's module factories.
const mockLoaded: string[] = [];
jest.mock('@azure/storage-blob', () => {
  mockLoaded.push('@azure/storage-blob');
  return jest.requireActual('@azure/storage-blob');
});
jest.mock('botbuilder-azure-blobs', () => {
  mockLoaded.push('botbuilder-azure-blobs');
  return jest.requireActual('botbuilder-azure-blobs');
});

describe('createStores', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signout-stores-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('runs the file store without loading the Azure Blob SDK, and loads it for the blob store', async () => {
    // imported here, after the factories above can note what loads
    const { createStores } = await import('../../../src/store/createStores');
    const stores = await createStores({ dataDir, storage: { backend: 'file' } });
    expect(stores.health.problem).toBeUndefined();
    await stores.close();
    expect(mockLoaded).toEqual([]);

    // a connection string the SDK refuses at once: no network, but the SDK had to be loaded to say so
    await expect(
      createStores({
        dataDir,
        storage: { backend: 'blob', connectionString: 'not a connection string', containerName: 'c' },
      }),
    ).rejects.toThrow();
    expect(mockLoaded).toEqual(expect.arrayContaining(['@azure/storage-blob', 'botbuilder-azure-blobs']));
  });
});
