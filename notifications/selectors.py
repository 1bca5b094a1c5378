"""Reads of a person's notifications, through the one visibility rule (documents.selectors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.models import Session
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q, QuerySet, Subquery
from django.utils import timezone

from core.compiled import PROBE, ProbeQuery
from documents.selectors import readable_by
from notifications.links import links_for
from notifications.models import Notification


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    """The person's own notifications about documents they may still read (a grant revoked, a document
    returned to draft or recalled from them: its notifications are no longer shown)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).filter(Q(document__isnull=True) | readable_by(user=user))


def unread_summary(*, user: Any) -> dict[str, int]:
    """The badge in one query: how many are unread, and the newest id (where a page's live script catches
    up from, so nothing that arrives between the page and its socket is missed)."""
    summary = notifications_for(user=user).aggregate(unread=Count("pk", filter=Q(read_at__isnull=True)), last=Max("pk"))
    return {"unread": summary["unread"], "last": summary["last"] or 0}


def notification_list(*, user: Any, unread_only: bool = False, after: int | None = None) -> QuerySet[Notification]:
    """The centre's list: unread first, newest first within each. With `after` (a catch-up): only those with a
    larger id, oldest first, so a client that stops part-way resumes from the last id it saw."""
    listed = notifications_for(user=user)
    if unread_only:
        listed = listed.filter(read_at__isnull=True)
    if after is not None:
        return listed.filter(pk__gt=after).order_by("pk")
    unread_first = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return listed.annotate(unread=unread_first).order_by("-unread", "-created_at", "-pk")


def with_links(notifications: Iterable[Notification]) -> list[Notification]:
    """Each notification with `url`: its reader's open task on the document, else the document (one query)."""
    notifications = list(notifications)
    links = links_for({(n.recipient_id, n.document_id) for n in notifications})
    for notification in notifications:
        notification.url = links.get((notification.recipient_id, notification.document_id))
    return notifications


# A notification is made only for people who may read its document (documents.selectors.readers_among, asked
# by notify_for_event just before): pushed within this time, the rule is not asked again.
ASKED_AT_CREATION = dt.timedelta(seconds=5)


class PushedNotificationCheck:
    """What a socket asks of every notification pushed to it: is it this person's own, about a document they may
    still read? Built once per socket.

    Why not `notifications_for(...).filter(pk=…)` each time: the one visibility rule (documents.selectors.
    visibility_filter, a dozen subqueries) costs milliseconds to build in Python and to plan and run in the
    database — most of a push's latency, paid by every socket of a fan-out. So:
    * the owner is checked on every push, in the one read that also brings the recipient's row and their session
      row (`own`), which the consumer needs to know the session still valid;
    * the rule, asked by notify_for_event when the notification was made, is not asked again for a push within
      ASKED_AT_CREATION of that; an older one (a worker that was behind, a replay) is asked the rule again,
    * with the rule's query compiled once and run with only the id changed (core.compiled).
    """

    def __init__(self, *, user: Any) -> None:
        self.user = user
        self._rule = ProbeQuery(
            notifications_for(user=user).filter(pk=PROBE), lambda pk: notifications_for(user=user).filter(pk=pk)
        )

    @property
    def compiled(self) -> bool:
        return self._rule.compiled

    def own(self, notification_id: int, *, session_key: str | None = None) -> Notification | None:
        """The person's own notification `notification_id` (else None), in one read with their user row
        (`recipient`) and, given a session key, the session's stored data (`session_data`: None once the session
        expired or is gone; sessions stored in the database only)."""
        own = Notification.objects.filter(pk=notification_id, recipient_id=self.user.pk).select_related("recipient")
        if session_key is not None:
            session = Session.objects.filter(session_key=session_key, expire_date__gt=timezone.now())
            own = own.annotate(session_data=Subquery(session.values("session_data")[:1]))
        return own.first()

    def readable(self, notification: Notification) -> bool:
        """Its document is still the person's to read: taken as asked at creation when the push is that recent."""
        return timezone.now() - notification.created_at <= ASKED_AT_CREATION or self.still_readable(notification.pk)

    def still_readable(self, notification_id: int) -> bool:
        """The rule asked now: the notification is the person's own and its document theirs to read."""
        return self._rule.exists(notification_id)
