import type { Person, SignoutRequest } from '../domain/types';
import type { ActivityInfo } from './activityInfo';
import { cancelRequest } from './cancelRequest';
import { chooseUser, type AssessChoice } from './chooseUser';
import type { ClickAnswer } from './clickedRequest';
import { confirmRequest } from './confirmRequest';
import { createRequest, type NewRequest, type PostCard } from './createRequest';
import { approveRequest, rejectRequest, type Judge } from './judgeRequest';
import type { RequestDeps } from './requestDeps';

/**
 * The request lifecycle with its side effects, one module per step: create a request and its card;
 * choose, confirm, approve, reject or cancel it with compare-and-swap transitions; hand confirmed work
 * to the job runner. What each click answers is a ClickAnswer; nothing here knows a TurnContext.
 */
export class RequestService {
  constructor(private readonly d: RequestDeps) {}

  create(info: ActivityInfo, n: NewRequest, postCard: PostCard): Promise<SignoutRequest> {
    return createRequest(this.d, info, n, postCard);
  }

  /** Requests with something left to do, scheduled ones among them (for `schedule`). */
  active(): Promise<SignoutRequest[]> {
    return this.d.store.listActive();
  }

  choose(
    info: ActivityInfo,
    clicker: Person,
    requestId: string,
    userId: string | undefined,
    assess: AssessChoice,
  ): Promise<ClickAnswer> {
    return chooseUser(this.d, info, clicker, requestId, userId, assess);
  }

  confirm(
    info: ActivityInfo,
    clicker: Person,
    requestId: string,
    confirmText?: string,
  ): Promise<ClickAnswer> {
    return confirmRequest(this.d, info, clicker, requestId, confirmText);
  }

  approve(info: ActivityInfo, judge: Judge, requestId: string, confirmText?: string): Promise<ClickAnswer> {
    return approveRequest(this.d, info, judge, requestId, confirmText);
  }

  reject(info: ActivityInfo, judge: Judge, requestId: string, reason?: string): Promise<ClickAnswer> {
    return rejectRequest(this.d, info, judge, requestId, reason);
  }

  cancel(info: ActivityInfo, clicker: Person, requestId: string): Promise<ClickAnswer> {
    return cancelRequest(this.d, info, clicker, requestId);
  }
}
