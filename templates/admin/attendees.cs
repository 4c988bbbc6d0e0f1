<?cs # Who is going to one of the organizer's events. ?>
<?cs def:page_body() ?>
<h1>Attendees</h1>
<p><a href="/admin">Your events</a> · <a href="/admin/events/<?cs var:Event.Id ?>/checkin">Check-in</a></p>
<?cs if:subcount(Attendees) ?>
<table class="attendees">
  <thead><tr><th scope="col">Booking</th><th scope="col">Buyer</th><th scope="col">Email</th><th scope="col">Ticket holder</th><th scope="col">Seat</th><th scope="col">Checked in</th></tr></thead>
  <tbody>
  <?cs each:t = Attendees ?><tr><td><?cs var:t.Code ?></td><td><?cs var:t.Buyer ?></td><td><?cs var:t.Email ?></td><td><?cs var:t.Holder ?></td><td><?cs var:t.Seat ?></td><td><?cs var:t.CheckedIn ?></td></tr><?cs /each ?>
  </tbody>
</table>
<?cs else ?><p>No tickets sold yet.</p><?cs /if ?>
<?cs /def ?>
