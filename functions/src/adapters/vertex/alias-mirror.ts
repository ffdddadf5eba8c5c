import type { AliasMirror, MirroredVersion } from '../../../../shared/registry-ports';
import type { VertexClientProvider } from './clients';
import { translateVertexError } from './grpc-errors';

/**
 * Family aliases mirrored to Vertex AI's version aliases (`mergeVersionAliases`): adding an alias
 * to a version takes it from whichever version of the model held it; `-alias` removes it.
 */
export class VertexAliasMirror implements AliasMirror {
  constructor(private readonly client: VertexClientProvider<'ModelServiceClient'>) {}

  assign(version: MirroredVersion, alias: string): Promise<void> {
    return this.merge(version, [alias]);
  }

  remove(version: MirroredVersion, alias: string): Promise<void> {
    return this.merge(version, [`-${alias}`]);
  }

  private async merge(version: MirroredVersion, versionAliases: string[]): Promise<void> {
    const client = await this.client();
    try {
      await client.mergeVersionAliases({ name: `${version.modelResourceName}@${version.versionId}`, versionAliases });
    } catch (error) {
      throw translateVertexError(error);
    }
  }
}
