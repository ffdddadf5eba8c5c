import { fieldErrors, invalidArgument, permissionDenied } from './errors';

/** The `projects/{project}/locations/{location}` part of every resource name. */
export interface Location {
  project: string;
  location: string;
}

export const locationName = (loc: Location) => `projects/${loc.project}/locations/${loc.location}`;

const LOCATION = /^projects\/([^/]+)\/locations\/([^/]+)$/;
const RESOURCE = /^(projects\/[^/]+\/locations\/[^/]+)\/([A-Za-z]+)\/([^/@]+)(?:@([^/]+))?$/;

/**
 * Checks resource names against the twin's project and location (when it was given them), so that a client
 * building names for another project or region fails here as it would against the regional Vertex endpoint.
 */
export class Names {
  constructor(private readonly scope: Partial<Location>) {}

  /** Parses `projects/p/locations/l`. */
  location(parent: string | null | undefined, field = 'parent'): Location {
    const match = LOCATION.exec(parent ?? '');
    if (!match) throw fieldErrors([{ field, description: `Invalid resource name "${parent ?? ''}": expected projects/{project}/locations/{location}.` }]);
    const loc = { project: match[1]!, location: match[2]! };
    this.checkScope(loc);
    return loc;
  }

  /** Parses `projects/p/locations/l/{collection}/{id}[@{version}]`. */
  resource(name: string | null | undefined, collection: string, field = 'name'): { parent: string; id: string; version?: string; name: string } {
    const match = RESOURCE.exec(name ?? '');
    if (!match || match[2] !== collection) {
      throw fieldErrors([{ field, description: `Invalid resource name "${name ?? ''}": expected projects/{project}/locations/{location}/${collection}/{id}.` }]);
    }
    const parent = match[1]!;
    this.location(parent, field);
    const id = match[3]!;
    return { parent, id, name: `${parent}/${collection}/${id}`, ...(match[4] ? { version: match[4] } : {}) };
  }

  private checkScope(loc: Location): void {
    if (this.scope.project && loc.project !== this.scope.project) {
      throw permissionDenied(`Permission denied on resource project ${loc.project}.`);
    }
    if (this.scope.location && loc.location !== this.scope.location) {
      throw invalidArgument(`Location ${loc.location} is not served here: this endpoint serves ${this.scope.location}.`);
    }
  }
}

/** Vertex ids are long decimal numbers; a counter keeps them predictable in tests. */
export class IdSequence {
  constructor(private next = 1) {}

  take(): string {
    return String(1_000_000_000_000 + this.next++);
  }

  get value(): number {
    return this.next;
  }
}
