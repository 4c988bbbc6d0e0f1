/* ticket_pages: the printable e-tickets and their PDFs, for whoever holds a ticket's code or a
 * booking's tickets link. */
#ifndef BOXOFFICE_TICKET_PAGES_H
#define BOXOFFICE_TICKET_PAGES_H
#include <ClearSilver.h>

struct request;

NEOERR *ticket_page(struct request *req);           /* GET /tickets/{code} */
NEOERR *ticket_pdf_page(struct request *req);       /* GET /tickets/{code}.pdf */
NEOERR *booking_tickets_page(struct request *req);  /* GET /bookings/{id}/tickets?key= */
NEOERR *booking_tickets_pdf(struct request *req);   /* GET /bookings/{id}/tickets.pdf?key= */

#endif
