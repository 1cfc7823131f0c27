using Orders;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddMicro(o => o.Name = "orders");
builder.Services.AddSingleton<Shipments>();
builder.Services.AddMicroSubscriber<Shipment, ShipmentSubscriber>("orders.shipped");

var app = builder.Build();
app.MapMicroHandlers<Orders.Orders>();
app.Run();
