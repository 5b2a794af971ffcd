"""Notes on the record of the interaction WWE shows (?interaction=<id>), kept in one of its
fields. While they are unsaved, WWE refuses to mark the interaction done, as the record
widget does."""
from bridge import interaction, outbound
from bridge.ui import page, when

iid = page.query.get("interaction", "1")
unsaved = False


@when("input", "#notes")
async def edited(event):
    global unsaved
    if not unsaved:
        unsaved = True
        await interaction.block_mark_done(iid, "1 unsaved change in Notes")
    page.text("status", "unsaved")


@when("click", "#save")
async def save(event):
    global unsaved
    await outbound.update_record_fields(iid, {"GSW_CUSTOM_STRING": event.values["notes"]})
    await interaction.unblock_mark_done(iid)
    unsaved = False
    page.text("status", "saved")
