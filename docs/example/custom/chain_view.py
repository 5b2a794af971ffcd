"""The chained records of the interaction WWE shows (?interaction=<id>), each with a
button that sets its call result to Busy; refreshed when WWE pushes an event."""
from bridge import outbound
from bridge.ui import h, page, when

interaction = page.query.get("interaction", "1")


async def show_chain():
    chain = await outbound.get_chained_records(interaction)
    page.render("records", [
        h("li", {}, f"{record.phone} (record {record.record_handle}) ",
          h("button", {"type": "button", "class": "busy", "data-handle": record.record_handle}, "Busy"))
        for record in chain
    ])


@when("click", "button.busy")
async def busy(event):
    await outbound.set_call_result(interaction, "BUSY")
    page.text("status", f"Record {event.data['handle']}: call result set to Busy")


@outbound.on("outbound")
async def pushed(event):
    await show_chain()


await show_chain()
