"""The chat's pages: thin. Each parses, calls one service or selector, renders.

The visitor's pages work without JavaScript (a normal form posts a message, a reload shows
the history); ``static/js/chat.js`` adds the live socket on top."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perspektive.chat import selectors, services
from perspektive.chat.consumers import SESSION_KEY
from perspektive.chat.forms import (
    AttachForm,
    CannedAnswerForm,
    LeaveMessageForm,
    MessageForm,
    StartForm,
    TransferForm,
)
from perspektive.chat.models import ConversationStatus
from perspektive.chat.policy import Side, access_conversation, lead_centres, staff_centres
from perspektive.core.errors import DomainError, Forbidden
from perspektive.core.forms import apply_error

S = ConversationStatus
KEEP_TOKENS = 20  # conversations a browser keeps access to


def _token(request: HttpRequest, conversation_id: int) -> str | None:
    tokens = request.session.get(SESSION_KEY, {})
    return tokens.get(str(conversation_id)) if isinstance(tokens, dict) else None


def _remember(request: HttpRequest, conversation_id: int, token: str) -> None:
    tokens = dict(request.session.get(SESSION_KEY) or {})
    tokens[str(conversation_id)] = token
    request.session[SESSION_KEY] = dict(list(tokens.items())[-KEEP_TOKENS:])


def _staff_only(request: HttpRequest) -> set[int]:
    centres = staff_centres(request.user)
    if not centres:
        raise Forbidden
    return centres


# Visitors ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Choose a centre and a language, then chat (no account needed)."""
    centres = services.chat_centres().order_by("country__name", "name")
    chosen = centres.filter(slug=request.GET.get("centre", "")[:80]).first()
    initial: dict[str, Any] = {}
    if chosen is not None:
        initial["centre"] = chosen.pk
        if get_language() in chosen.country.languages:
            initial["language"] = get_language()
    form = StartForm(request.POST or None, centres=centres, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            started = services.conversation_start(
                user=request.user,
                centre_id=data["centre"].pk,
                language=data["language"],
                visitor_name=data["visitor_name"],
                text=data["text"],
                client_msg_id=data["client_msg_id"],
                contact_phone=data["contact_phone"] or "",
                contact_email=data["contact_email"],
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            _remember(request, started.conversation.pk, started.token)
            return redirect("chat:conversation", conversation_id=started.conversation.pk)
    online = services.counsellors_online(chosen.pk) if chosen is not None else None
    return render(
        request,
        "chat/start.html",
        {
            "form": form,
            "chosen": chosen,
            "online": online,
            "mine": selectors.conversations_of_client(user=request.user)[:10],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    access = access_conversation(
        request.user, conversation_id, token=_token(request, conversation_id)
    )
    if access.side is Side.STAFF:
        return redirect("chat:console_panel", conversation_id=conversation_id)
    return _conversation_page(request, access.conversation.pk)


def _conversation_page(
    request: HttpRequest,
    conversation_id: int,
    form: MessageForm | None = None,
    leave_form: LeaveMessageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    conversation = selectors.conversation_with_messages(conversation_id)
    waiting = conversation.status == S.WAITING
    return render(
        request,
        "chat/conversation.html",
        {
            "conversation": conversation,
            "chat_messages": list(conversation.messages.all()),
            "form": form or MessageForm(),
            "leave_form": leave_form or LeaveMessageForm(),
            "nobody_online": waiting and not services.counsellors_online(conversation.centre_id),
            "socket_path": f"/ws/chat/{conversation.pk}/",
        },
        status=status,
    )


@require_POST
def send(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Post a message with a normal form (no JavaScript needed), visitor or counsellor."""
    token = _token(request, conversation_id)
    access = access_conversation(request.user, conversation_id, token=token)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(
                user=request.user,
                conversation_id=conversation_id,
                client_msg_id=form.cleaned_data["client_msg_id"],
                text=form.cleaned_data["text"],
                token=token,
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
    if access.side is Side.STAFF:
        if form.errors:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        return redirect(reverse("chat:console") + f"#conversation-{conversation_id}")
    if form.errors:
        return _conversation_page(request, conversation_id, form=form, status=400)
    return redirect(reverse("chat:conversation", args=[conversation_id]) + "#message-form")


@require_POST
def leave_message(request: HttpRequest, conversation_id: int) -> HttpResponse:
    token = _token(request, conversation_id)
    access_conversation(request.user, conversation_id, token=token)
    form = LeaveMessageForm(request.POST)
    if form.is_valid():
        try:
            services.conversation_leave_message(
                user=request.user,
                conversation_id=conversation_id,
                token=token,
                visitor_name=form.cleaned_data["visitor_name"],
                contact_phone=form.cleaned_data["contact_phone"] or "",
                contact_email=form.cleaned_data["contact_email"],
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            return redirect("chat:conversation", conversation_id=conversation_id)
    return _conversation_page(request, conversation_id, leave_form=form, status=400)


# Counsellors ------------------------------------------------------------------------------


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    services.presence_beat(user=request.user, connection=f"http:{request.user.pk}")
    data = selectors.console_for(user=request.user, language=request.GET.get("language", "")[:8])
    panels = _panels(request, data.mine)
    return render(
        request,
        "chat/console.html",
        {"console": data, "panels": panels, "is_lead": bool(lead_centres(request.user))},
    )


@login_required
@require_GET
def console_queue(request: HttpRequest) -> HttpResponse:
    """The queue alone (the console's script reloads it when the queue changes)."""
    _staff_only(request)
    data = selectors.console_for(user=request.user, language=request.GET.get("language", "")[:8])
    return render(request, "chat/_queue.html", {"console": data})


def _panel_context(
    request: HttpRequest, conversation: Any, canned: list[Any], colleagues: dict[int, list[Any]]
) -> dict[str, Any]:
    mine = conversation.status == S.ACTIVE and conversation.assigned_to_id == request.user.pk
    return {
        "conversation": conversation,
        "chat_messages": list(conversation.messages.all()),
        "mine": mine,
        "canned": [
            a
            for a in canned
            if a.centre_id == conversation.centre_id and a.language == conversation.language
        ],
        "form": MessageForm(),
        "colleagues": [
            u
            for u in colleagues.get(conversation.centre_id, [])
            if u.pk != conversation.assigned_to_id
        ],
        "client_cases": [
            case
            for case in conversation.client.cases.all()
            if case.organisation_id == conversation.centre_id
        ]
        if conversation.client_id
        else [],
    }


def _panels(request: HttpRequest, conversations: list[Any]) -> list[dict[str, Any]]:
    canned = list(selectors.canned_answers_for(user=request.user))
    colleagues = selectors.chat_staff({c.centre_id for c in conversations})
    return [_panel_context(request, c, canned, colleagues) for c in conversations]


@login_required
@require_GET
def console_panel(request: HttpRequest, conversation_id: int) -> HttpResponse:
    _staff_only(request)
    access = access_conversation(request.user, conversation_id)
    if access.side is not Side.STAFF:
        raise Forbidden
    conversation = selectors.conversation_with_messages(conversation_id)
    return render(
        request,
        "chat/console_conversation.html",
        {"panel": _panels(request, [conversation])[0]},
    )


def _staff_post(request: HttpRequest, conversation_id: int, action: Any) -> HttpResponse:
    _staff_only(request)
    try:
        action()
    except (ValidationError, DomainError) as exc:
        text = exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)
        messages.error(request, text)
        return redirect("chat:console_panel", conversation_id=conversation_id)
    return redirect(reverse("chat:console") + f"#conversation-{conversation_id}")


@login_required
@require_POST
def claim(request: HttpRequest, conversation_id: int) -> HttpResponse:
    return _staff_post(
        request,
        conversation_id,
        lambda: services.conversation_claim(actor=request.user, conversation_id=conversation_id),
    )


@login_required
@require_POST
def transfer(request: HttpRequest, conversation_id: int) -> HttpResponse:
    access = access_conversation(request.user, conversation_id)
    form = TransferForm(
        request.POST, colleagues=services.colleagues(request.user, access.conversation)
    )

    def run() -> None:
        if not form.is_valid():
            raise ValidationError(_("Choose a colleague of this centre."))
        services.conversation_transfer(
            actor=request.user,
            conversation_id=conversation_id,
            to_user_id=form.cleaned_data["to_user"].pk,
        )

    return _staff_post(request, conversation_id, run)


@login_required
@require_POST
def close(request: HttpRequest, conversation_id: int) -> HttpResponse:
    return _staff_post(
        request,
        conversation_id,
        lambda: services.conversation_close(actor=request.user, conversation_id=conversation_id),
    )


@login_required
@require_POST
def attach(request: HttpRequest, conversation_id: int) -> HttpResponse:
    form = AttachForm(request.POST)

    def run() -> None:
        if not form.is_valid():
            raise ValidationError(list(form.errors["case"]))
        services.conversation_attach_case(
            actor=request.user, conversation_id=conversation_id, case_id=form.cleaned_data["case"]
        )
        messages.success(request, _("The conversation is now part of the case."))

    return _staff_post(request, conversation_id, run)


# Canned answers ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def canned(request: HttpRequest) -> HttpResponse:
    """The centre lead's list of prepared answers, per language."""
    centres = selectors.led_centres(user=request.user)
    if not centres.exists():
        raise Forbidden
    form = CannedAnswerForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.canned_answer_create(
                actor=request.user,
                centre_id=data["centre"].pk,
                language=data["language"],
                title=data["title"],
                text=data["text"],
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("chat:canned")
    answers = selectors.canned_answers_for(
        user=request.user, centre_ids=lead_centres(request.user)
    ).select_related("centre")
    return render(
        request,
        "chat/canned.html",
        {"form": form, "answers": answers},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def canned_delete(request: HttpRequest, answer_id: int) -> HttpResponse:
    services.canned_answer_delete(actor=request.user, answer_id=answer_id)
    messages.success(request, _("Deleted."))
    return redirect("chat:canned")
