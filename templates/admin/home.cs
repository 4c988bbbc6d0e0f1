<?cs # The organizer's events (an admin's: every event), with their sales and the door. ?>
<?cs def:page_body() ?>
<h1>Your events</h1>
<?cs if:subcount(Events) ?>
<table class="admin-events">
  <thead><tr><th scope="col">Event</th><th scope="col">When</th><th scope="col">Venue</th><th scope="col">Status</th><th scope="col">Sold</th><th scope="col">Checked in</th><th scope="col"></th></tr></thead>
  <tbody>
  <?cs each:e = Events ?><tr>
    <td><a href="/events/<?cs var:e.Id ?>"><?cs var:e.Name ?></a></td>
    <td><?cs var:e.Day ?>, <?cs var:e.Time ?></td><td><?cs var:e.Venue ?></td><td><?cs var:e.Status ?></td>
    <td><?cs var:e.Sold ?></td><td><?cs var:e.Admitted ?></td>
    <td><a href="/admin/events/<?cs var:e.Id ?>/attendees">Attendees</a> · <a href="/admin/events/<?cs var:e.Id ?>/checkin">Check-in</a></td>
  </tr><?cs /each ?>
  </tbody>
</table>
<?cs else ?><p>You have no events yet.</p><?cs /if ?>
<?cs /def ?>
