"""Publish webhooks: endpoints configured in the admin are told, with a signed
JSON event, when an article is published, unpublished, moved or deleted, so
that a headless frontend can revalidate its pages (docs/webhooks.md).

    models.py    the endpoints and the delivery log
    events.py    the event an article's change makes, and its types
    signing.py   secrets and signatures, as Standard Webhooks has them
    signals.py   Wagtail's and Django's signals, to events queued after commit
    delivery.py  sending, retrying with backoff: the task the worker runs
    admin.py     the admin's views: endpoints for administrators, the log read-only
"""
