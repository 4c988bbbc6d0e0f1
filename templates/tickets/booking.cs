<?cs # A booking's tickets together, /bookings/{id}/tickets?key=: one card each, one PDF. ?>
<?cs include:"tickets/ticket_card.cs" ?>
<?cs def:page_body() ?>
<h1>Your tickets · booking <?cs var:Booking.Code ?></h1>
<p class="eticket-actions"><a class="button" href="/bookings/<?cs var:Booking.Id ?>/tickets.pdf?key=<?cs escape:"url" ?><?cs var:Booking.Key ?><?cs /escape ?>">Download all as one PDF</a></p>
<?cs each:t = Tickets ?>
<?cs call:ticket_card(t) ?>
<p class="eticket-actions"><a href="/tickets/<?cs var:t.Code ?>">This ticket alone</a> · <a href="/tickets/<?cs var:t.Code ?>.pdf">its PDF</a></p>
<?cs /each ?>
<?cs /def ?>
