"""Register this phone's installation to the signed-in user."""

from flask import request
from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.devices.schemas import DeviceRegisterSchema, DeviceSchema
from server.services import devices

bp = Blueprint("devices", __name__, description="Phones (installations of the app)")


@bp.post("")
@login_required
@bp.arguments(DeviceRegisterSchema)
@bp.response(200, DeviceSchema)
@bp.alt_response(201, schema=DeviceSchema, description="Registered now")
def register(args):
    """Register a device id; registering the same id again answers 200."""
    device, created = devices.register_device(
        current_user, args["device_id"], args["app_version"], request.user_agent.string[:200]
    )
    return device, 201 if created else 200
