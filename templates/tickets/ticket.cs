<?cs # One printable e-ticket, /tickets/{code}: the card, and its PDF. ?>
<?cs include:"tickets/ticket_card.cs" ?>
<?cs def:page_body() ?>
<h1 class="visually-hidden">Your ticket</h1>
<?cs call:ticket_card(Ticket) ?>
<p class="eticket-actions"><a class="button" href="/tickets/<?cs var:Ticket.Code ?>.pdf">Download as PDF</a> · <a href="/events/<?cs var:Event.Id ?>">About the event</a></p>
<?cs /def ?>
