import type { Api } from './api';
import type { Identity } from './auth';
import type { ModelVersionView } from './types';
import type { TabId } from './url-state';

/** What the components share: the API, who is signed in, and how to tell the rest of the page about changes. */
export interface AppContext {
  api: Api;
  identity(): Identity;
  /** A version changed on the server (deployed, undeployed): every view of it updates, and the KPIs. */
  versionChanged(view: ModelVersionView): void;
  /** Versions were added (a promotion): the table, KPIs and calendar reload. */
  registryChanged(): void;
  /** Goes to an in-app link (`?model=…`, `?q=…`) without reloading the page. */
  navigate(href: string): void;
  openModel(versionId: string, tab?: TabId, known?: ModelVersionView): void;
  /** Versions already loaded by the table, for pickers (families, deployable versions). */
  knownVersions(): ModelVersionView[];
}
