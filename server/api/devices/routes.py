"""Register this phone's installation to the signed-in user."""

from flask import request
from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.devices.schemas import DeviceInfoSchema, DeviceRegisterSchema, DeviceSchema
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


@bp.post("/<uuid:device_id>/revoke")
@login_required
@bp.response(200, DeviceInfoSchema)
def revoke(device_id):
    """Block a lost phone: its uploads are refused from now on with `device.revoked` (its records stay on it)."""
    return devices.set_revoked(current_user, device_id, True)


@bp.post("/<uuid:device_id>/restore")
@login_required
@bp.response(200, DeviceInfoSchema)
def restore(device_id):
    """Unblock a phone that was found again; it uploads what it kept."""
    return devices.set_revoked(current_user, device_id, False)
